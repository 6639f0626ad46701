/**
 * A fake OpenAI-compatible server for tests: real HTTP on 127.0.0.1 (free port), real SSE.
 *
 * Start / stop:
 *   const fake = await startFakeOpenAiServer();         // fake.baseUrl = 'http://127.0.0.1:PORT/v1'
 *   ...
 *   await fake.close();                                  // also cuts every open (stalled) stream
 *
 * Script replies (each POST /v1/chat/completions takes the next scripted reply; when the queue is empty
 * it uses `fake.defaultReply`, which says "Hello there!"):
 *   fake.enqueue({ text: 'Hi, I am here.' })             // text split into word tokens ("Hi, " "I " "am "...)
 *   fake.enqueue({ tokens: ['<thi', 'nk>plan</th', 'ink>Hi'] })   // exact content deltas
 *   fake.enqueue({ reasoning: 'let me think', text: 'Hi' })       // `reasoning_content` deltas first
 *   fake.enqueue({ reasoning: 'hm', reasoningField: 'reasoning', text: 'Hi' })  // OpenRouter/Ollama style
 *   fake.enqueue({ toolCalls: [{ name: 'get_time', arguments: '{"tz":"UTC"}' }] })  // streamed tool call deltas
 *   fake.enqueue({ ttftMs: 200, tokenDelayMs: 30, text: 'slow reply' })
 *   fake.enqueue({ status: 500 })                         // HTTP error with an OpenAI-style JSON error body
 *   fake.enqueue({ stall: 'first-token' })               // 200 + SSE headers, then silence until the client leaves
 *   fake.enqueue({ stall: 'headers' })                   // accepts the request, never answers
 *   fake.enqueue({ text: 'one two three', disconnectAfterTokens: 2 })  // socket destroyed mid-stream
 *   fake.enqueue({ text: 'x', usage: false })            // no usage chunk (default: a final usage chunk)
 *   fake.handle((req) => ({ text: `you said ${req.messages.at(-1)?.content}` }))  // compute replies per request
 *
 * Non-streaming requests (`stream` absent or false) get one `chat.completion` JSON object built from the
 * same script (content, reasoning_content, tool_calls, usage); delays apply before the body.
 *
 * Refused connections: `await closedPortUrl()` returns a base URL on which nothing listens.
 *
 * Assertions: `fake.requests` lists every received request (path, headers, parsed body, messages, tools,
 * sampling parameters) with timings: `receivedAt`, `firstTokenAt`, `finishedAt`, `clientClosedAt`
 * (performance.now() when the client hung up before the reply finished, e.g. on abort). `tokensSent`
 * counts content/reasoning/tool deltas written. `await fake.waitForRequests(n)` waits until n arrived;
 * `await fake.waitForClientClose(i)` until request i was dropped by the client.
 *
 * Other routes: GET /v1/models lists `fake.models`. Other engineers can add endpoints
 * (e.g. /v1/embeddings) with `fake.route('POST', '/v1/embeddings', handler)`.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface FakeToolCall {
  /** Default `call_<n>`. */
  id?: string;
  name: string;
  /** Raw JSON text, sent in `fragments` pieces (default 3). */
  arguments: string;
  fragments?: number;
}

export interface FakeReply {
  /** Reply text; split into word tokens (each word with the whitespace after it). */
  text?: string;
  /** Exact content deltas; wins over `text`. */
  tokens?: string[];
  /** Reasoning deltas, sent before the content (string: split like `text`). */
  reasoning?: string | string[];
  /** Field name for reasoning deltas: `reasoning_content` (DeepSeek, vLLM, llama.cpp) or `reasoning` (OpenRouter, Ollama). */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Tool calls streamed after the content, in OpenAI's delta format. */
  toolCalls?: FakeToolCall[];
  /** Delay before the first delta (after headers), ms. */
  ttftMs?: number;
  /** Delay between deltas, ms. */
  tokenDelayMs?: number;
  /** Answer with this HTTP status (≥ 400) and `errorBody` (default an OpenAI-style error JSON). */
  status?: number;
  errorBody?: string;
  /** `headers`: never answer; `first-token`: send SSE headers, then nothing. Ends when the client or server closes. */
  stall?: 'headers' | 'first-token';
  /** Destroy the socket after this many deltas (content, reasoning and tool deltas all count). */
  disconnectAfterTokens?: number;
  /** Default `stop`, or `tool_calls` when tool calls are sent. */
  finishReason?: string;
  /** Usage sent in a final chunk with empty `choices`; false sends none. Default counts tokens. */
  usage?: { prompt_tokens: number; completion_tokens: number } | false;
}

export interface RecordedRequest {
  index: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined when not JSON). */
  body: unknown;
  model: string | undefined;
  stream: boolean;
  messages: Array<{ role: string; content: unknown; [key: string]: unknown }>;
  tools: unknown[] | undefined;
  /** temperature, top_p, frequency_penalty, presence_penalty, max_tokens, stop, ... as received. */
  sampling: Record<string, unknown>;
  /** When the request reached the server (its headers); reading and parsing the body is the server's time. */
  receivedAt: number;
  firstTokenAt?: number;
  finishedAt?: number;
  clientClosedAt?: number;
  tokensSent: number;
  /** performance.now() when each streamed delta was written (measures the fake's own pacing). */
  tokenTimes: number[];
}

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => void | Promise<void>;

const SAMPLING_KEYS = ['temperature', 'top_p', 'top_k', 'min_p', 'frequency_penalty', 'presence_penalty', 'repeat_penalty', 'max_tokens', 'max_completion_tokens', 'stop', 'seed'];

/** Splits text into word tokens, each keeping its trailing whitespace. */
export function splitTokens(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class FakeOpenAiServer {
  readonly requests: RecordedRequest[] = [];
  /** Used when the script queue is empty (and no handler is set). */
  defaultReply: FakeReply = { text: 'Hello there!' };
  models: string[] = ['fake-model'];
  private readonly queue: FakeReply[] = [];
  private handler: ((req: RecordedRequest) => FakeReply) | undefined;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => void>();
  private readonly server: http.Server;
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `http://127.0.0.1:PORT/v1`, the base URL an OpenAI client expects. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Queues replies for the next chat completion requests, in order. */
  enqueue(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Computes each reply from the request (used when the queue is empty). */
  handle(fn: ((req: RecordedRequest) => FakeReply) | undefined): this {
    this.handler = fn;
    return this;
  }

  /** Adds or replaces a route, e.g. `route('POST', '/v1/embeddings', handler)`. */
  route(method: string, path: string, handler: RouteHandler): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  get pendingReplies(): number {
    return this.queue.length;
  }

  /** Resolves when at least `count` requests arrived (rejects after `timeoutMs`). */
  waitForRequests(count: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    return this.waitFor(() => this.requests.length >= count, timeoutMs, `${count} requests`).then(() => this.requests.slice(0, count));
  }

  /** Resolves with `clientClosedAt` once the client dropped request `index` before it finished. */
  waitForClientClose(index: number, timeoutMs = 5000): Promise<number> {
    return this.waitFor(() => this.requests[index]?.clientClosedAt !== undefined, timeoutMs, `client close of request ${index}`).then(
      () => this.requests[index]?.clientClosedAt as number,
    );
  }

  /** Stops listening and destroys every open connection (stalled streams end with a socket error). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const wake of this.waiters) wake();
  }

  /** Resolves once `cond` holds (checked whenever a request arrives, sends a token or closes); rejects naming `what` after `timeoutMs`. */
  waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake OpenAI server: timed out waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        if (!cond()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const custom = this.routes.get(`${req.method ?? 'GET'} ${path}`);
    try {
      if (custom) return await custom(req, res, body);
      if (req.method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', owned_by: 'fake' })) });
      }
      if (req.method === 'POST' && path === '/v1/chat/completions') return await this.chat(req, res, path, body, arrivedAt);
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: err instanceof Error ? err.message : String(err), type: 'server_error' } });
      else res.destroy();
    }
  }

  private async chat(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown, arrivedAt: number): Promise<void> {
    const b = isRecord(body) ? body : {};
    const sampling: Record<string, unknown> = {};
    for (const key of SAMPLING_KEYS) if (key in b) sampling[key] = b[key];
    const rec: RecordedRequest = {
      index: this.requests.length,
      method: req.method ?? 'POST',
      path,
      headers: req.headers,
      body,
      model: typeof b.model === 'string' ? b.model : undefined,
      stream: b.stream === true,
      messages: Array.isArray(b.messages) ? (b.messages.filter(isRecord) as RecordedRequest['messages']) : [],
      tools: Array.isArray(b.tools) ? b.tools : undefined,
      sampling,
      receivedAt: arrivedAt,
      tokensSent: 0,
      tokenTimes: [],
    };
    this.requests.push(rec);
    const reply = this.queue.shift() ?? this.handler?.(rec) ?? this.defaultReply;
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) rec.clientClosedAt ??= performance.now();
      gone.abort();
      this.notify();
    });
    this.notify();

    if (reply.stall === 'headers') return; // never answers; ends when the client or the server closes
    if (reply.status !== undefined && reply.status >= 400) {
      await sleep(reply.ttftMs ?? 0, gone.signal);
      const text = reply.errorBody ?? JSON.stringify({ error: { message: `scripted failure ${reply.status}`, type: 'server_error', code: reply.status } });
      res.writeHead(reply.status, { 'content-type': reply.errorBody ? 'text/plain' : 'application/json' });
      res.end(text);
      rec.finishedAt = performance.now();
      return;
    }
    const model = rec.model ?? this.models[0] ?? 'fake-model';
    if (!rec.stream) return this.nonStream(res, rec, reply, model, gone.signal);

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    if (reply.stall === 'first-token') return;
    const id = `chatcmpl-fake-${rec.index}`;
    const created = Math.floor(Date.now() / 1000);
    const send = (payload: Record<string, unknown>): void => {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...payload })}\n\n`);
    };
    const deltas = buildDeltas(reply);
    await sleep(reply.ttftMs ?? 0, gone.signal);
    send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (let i = 0; i < deltas.length; i++) {
      if (gone.signal.aborted) return;
      if (reply.disconnectAfterTokens !== undefined && rec.tokensSent >= reply.disconnectAfterTokens) {
        await this.disconnect(res, gone.signal);
        return;
      }
      if (i > 0) await sleep(reply.tokenDelayMs ?? 0, gone.signal);
      if (gone.signal.aborted) return;
      send({ choices: [{ index: 0, delta: deltas[i], finish_reason: null }] });
      rec.firstTokenAt ??= performance.now();
      rec.tokenTimes.push(performance.now());
      this.notify();
      rec.tokensSent++;
    }
    if (reply.disconnectAfterTokens !== undefined && rec.tokensSent >= reply.disconnectAfterTokens) {
      await this.disconnect(res, gone.signal);
      return;
    }
    send({ choices: [{ index: 0, delta: {}, finish_reason: finishReason(reply) }] });
    const usage = usageOf(reply, rec);
    if (usage) send({ choices: [], usage });
    res.write('data: [DONE]\n\n');
    res.end();
    rec.finishedAt = performance.now();
  }

  /** Lets the deltas already written reach the client (a reset would make it drop unread data), then cuts the socket. */
  private async disconnect(res: http.ServerResponse, signal: AbortSignal): Promise<void> {
    await sleep(25, signal);
    res.socket?.destroy();
  }

  private async nonStream(res: http.ServerResponse, rec: RecordedRequest, reply: FakeReply, model: string, signal: AbortSignal): Promise<void> {
    await sleep(reply.ttftMs ?? 0, signal);
    if (signal.aborted) return;
    const content = (reply.tokens ?? splitTokens(reply.text ?? '')).join('');
    const reasoning = Array.isArray(reply.reasoning) ? reply.reasoning.join('') : reply.reasoning;
    const message: Record<string, unknown> = { role: 'assistant', content };
    if (reasoning) message[reply.reasoningField ?? 'reasoning_content'] = reasoning;
    if (reply.toolCalls?.length) {
      message.tool_calls = reply.toolCalls.map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    }
    rec.tokensSent = splitTokens(content).length;
    rec.firstTokenAt = performance.now();
    const usage = usageOf(reply, rec);
    sendJson(res, 200, {
      id: `chatcmpl-fake-${rec.index}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, finish_reason: finishReason(reply) }],
      ...(usage ? { usage } : {}),
    });
    rec.finishedAt = performance.now();
  }
}

function finishReason(reply: FakeReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

function usageOf(reply: FakeReply, rec: RecordedRequest): { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined {
  if (reply.usage === false) return undefined;
  const promptTokens = reply.usage?.prompt_tokens ?? rec.messages.reduce((n, m) => n + splitTokens(typeof m.content === 'string' ? m.content : '').length, 0);
  const completionTokens = reply.usage?.completion_tokens ?? rec.tokensSent;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** Reasoning deltas, then content deltas, then tool call deltas (first with id + name, then argument fragments). */
function buildDeltas(reply: FakeReply): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const field = reply.reasoningField ?? 'reasoning_content';
  const reasoning = typeof reply.reasoning === 'string' ? splitTokens(reply.reasoning) : (reply.reasoning ?? []);
  for (const r of reasoning) out.push({ [field]: r });
  for (const t of reply.tokens ?? splitTokens(reply.text ?? '')) out.push({ content: t });
  (reply.toolCalls ?? []).forEach((call, index) => {
    out.push({ tool_calls: [{ index, id: call.id ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] });
    const parts = Math.max(1, call.fragments ?? 3);
    const size = Math.ceil(call.arguments.length / parts) || 1;
    for (let at = 0; at < call.arguments.length; at += size) {
      out.push({ tool_calls: [{ index, function: { arguments: call.arguments.slice(at, at + size) } }] });
    }
  });
  return out;
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a fake server on a free loopback port. */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  return new FakeOpenAiServer().listen();
}

/** A base URL (`http://127.0.0.1:PORT/v1`) on which nothing listens: connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
