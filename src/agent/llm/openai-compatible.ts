import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { EngineError, type ErrorCode } from '../../core/errors.ts';
import type { ChatMessage, LlmChunk, LlmProvider, LlmRequest, SamplingSettings, ToolCall } from './llm-types.ts';
import { HttpPoster, type StreamedResponse } from './http-post.ts';
import { SseParser } from './sse-parser.ts';
import { ThinkFilter } from './think-filter.ts';

/**
 * Streaming `/v1/chat/completions` client for OpenAI-compatible servers: Ollama, LM Studio, vLLM,
 * the llama.cpp server, OpenRouter, OpenAI. Reasoning (`reasoning_content`, `reasoning`, `<think>`
 * blocks) comes out as `reasoning` chunks, never as text; tool calls are assembled from their deltas.
 */
export interface OpenAiCompatibleOptions {
  /** Unique id in the chain, e.g. `openai:ollama`. */
  id: string;
  /** Up to and including `/v1`, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** Sent as a bearer token; never logged. */
  apiKey?: string;
  model: string;
  /** Until the response headers arrive, ms. */
  connectTimeoutMs: number;
  /** From the request until the first delta (text, reasoning or tool call), ms. */
  firstTokenTimeoutMs: number;
  /** Longest silence between deltas once streaming, ms. */
  idleTimeoutMs: number;
  supportsTools?: boolean;
  /** Ask for a usage chunk at the end (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean;
  /** The chat template opens a `<think>` block in the prompt, so content starts as reasoning. */
  startInThink?: boolean;
  /** Extra HTTP headers (e.g. OpenRouter's HTTP-Referer / X-Title). */
  headers?: Record<string, string>;
  /** Extra body fields merged into every request (server-specific options). */
  extraBody?: Record<string, unknown>;
  log?: Logger;
}

type Phase = 'connect' | 'first-token' | 'idle';

export class OpenAiCompatibleProvider implements LlmProvider {
  readonly id: string;
  readonly supportsTools: boolean;
  private readonly endpoint: URL;
  private readonly http = new HttpPoster();

  constructor(private readonly opts: OpenAiCompatibleOptions) {
    this.id = opts.id;
    this.supportsTools = opts.supportsTools ?? true;
    this.endpoint = new URL(`${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  }

  async dispose(): Promise<void> {
    this.http.close();
  }

  async *stream(request: LlmRequest): AsyncGenerator<LlmChunk> {
    const { signal } = request;
    if (signal.aborted) throw new EngineError('ABORTED', 'request aborted before it started');
    const ctrl = new AbortController();
    let timedOut: Phase | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (phase: Phase, ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = phase;
        ctrl.abort();
      }, ms);
    };
    const onAbort = (): void => ctrl.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    let received = 0;
    let responded = false;
    const fail = (err: unknown): EngineError => this.mapError(err, { signal, timedOut, received, started, responded });

    try {
      arm('connect', this.opts.connectTimeoutMs);
      let res: StreamedResponse;
      try {
        const headers = {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
          ...this.opts.headers,
        };
        res = await this.http.post(this.endpoint, headers, JSON.stringify(this.body(request)), ctrl.signal);
      } catch (err) {
        throw fail(err);
      }
      responded = true;
      if (res.status >= 400) throw await this.httpError(res, ctrl);
      arm('first-token', Math.max(1, this.opts.firstTokenTimeoutMs - (performance.now() - started)));

      const parser = new SseParser();
      const think = new ThinkFilter({ startInThink: this.opts.startInThink ?? false });
      const tools = new ToolCallAssembler();
      const decoder = new TextDecoder();
      const body = res.chunks()[Symbol.asyncIterator]();
      let finishReason: string | undefined;
      let usage: { promptTokens?: number; completionTokens?: number } | undefined;
      let sawDone = false;

      try {
        while (!sawDone) {
          let step: IteratorResult<Buffer>;
          try {
            step = await body.next();
          } catch (err) {
            throw fail(err);
          }
          const payloads = step.done ? parser.end() : parser.push(decoder.decode(step.value, { stream: true }));
          for (const data of payloads) {
            if (data.trim() === '[DONE]') {
              sawDone = true;
              break;
            }
            const event = parseEvent(data, this.id);
            if (event.usage) usage = event.usage;
            const out: LlmChunk[] = [];
            if (event.reasoning) out.push({ type: 'reasoning', text: event.reasoning });
            if (event.content) for (const piece of think.push(event.content)) out.push({ type: piece.kind, text: piece.text });
            for (const delta of event.toolDeltas) tools.add(delta);
            if (event.finishReason) finishReason = event.finishReason;
            if (out.length > 0 || event.toolDeltas.length > 0) {
              if (received === 0) this.opts.log?.debug({ event: 'llm.first_token', provider: this.id, ms: Math.round(performance.now() - started) }, 'first token');
              received++;
              arm('idle', this.opts.idleTimeoutMs);
            }
            for (const chunk of out) yield chunk;
          }
          if (step.done) break;
        }
        if (!sawDone && finishReason === undefined) {
          throw new EngineError('UPSTREAM_ERROR', `${this.id}: stream ended before it finished`, { details: { provider: this.id, afterDeltas: received } });
        }
      } finally {
        clearTimeout(timer);
        res.release(sawDone);
      }
      for (const piece of think.end()) yield { type: piece.kind, text: piece.text };
      for (const call of tools.calls()) yield { type: 'tool_call', call };
      yield { type: 'done', ...(usage ? { usage } : {}), ...(finishReason ? { finishReason } : {}) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Abandoned by the consumer (break/return) or failed: make sure the socket is released.
      if (!ctrl.signal.aborted) ctrl.abort();
    }
  }

  private body(request: LlmRequest): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.opts.model,
      stream: true,
      messages: request.messages.map(toWireMessage),
      ...samplingFields(request.sampling),
    };
    if (this.opts.includeUsage ?? true) body.stream_options = { include_usage: true };
    if (this.supportsTools && request.tools && request.tools.length > 0) {
      body.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
    }
    return { ...body, ...this.opts.extraBody };
  }

  private async httpError(res: StreamedResponse, ctrl: AbortController): Promise<EngineError> {
    let excerpt = '';
    try {
      // The connect timer is still armed, so a body that never comes cannot hang us here.
      excerpt = (await res.text()).replace(/\s+/g, ' ').trim().slice(0, 300);
    } catch {
      excerpt = '';
    } finally {
      ctrl.abort();
    }
    if (this.opts.apiKey) excerpt = excerpt.split(this.opts.apiKey).join('[REDACTED]');
    const message = `${this.id}: HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}`;
    this.opts.log?.warn({ event: 'llm.http_error', provider: this.id, status: res.status }, 'LLM server returned an error');
    return new EngineError('UPSTREAM_ERROR', message, { details: { provider: this.id, status: res.status, body: excerpt } });
  }

  private mapError(err: unknown, s: { signal: AbortSignal; timedOut: Phase | undefined; received: number; started: number; responded: boolean }): EngineError {
    if (err instanceof EngineError) return err;
    const details = { provider: this.id, afterDeltas: s.received };
    if (s.signal.aborted) return new EngineError('ABORTED', `${this.id}: aborted`, { cause: err, details });
    if (s.timedOut) {
      const ms = Math.round(performance.now() - s.started);
      return new EngineError('TIMEOUT', `${this.id}: no ${s.timedOut === 'idle' ? 'token for too long' : s.timedOut === 'connect' ? 'response' : 'first token'} after ${ms} ms`, {
        cause: err,
        details: { ...details, phase: s.timedOut },
      });
    }
    const code = networkCode(err);
    const unreachable: ErrorCode = !s.responded && code !== undefined && UNREACHABLE_CODES.has(code) ? 'UPSTREAM_UNREACHABLE' : 'UPSTREAM_ERROR';
    const reason = code ?? (err instanceof Error ? err.message : String(err));
    const what = unreachable === 'UPSTREAM_UNREACHABLE' ? 'unreachable' : s.responded ? 'stream broke' : 'request failed';
    return new EngineError(unreachable, `${this.id}: ${what} (${reason})`, { cause: err, details: { ...details, ...(code ? { errno: code } : {}) } });
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'EPIPE']);

/** The errno-like code of a request failure (nested in `cause` or `errors` by some clients). */
function networkCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && cur; depth++) {
    if (typeof cur === 'object' && cur !== null) {
      const code = (cur as { code?: unknown }).code;
      if (typeof code === 'string') return code;
      const errors = (cur as { errors?: unknown }).errors;
      if (Array.isArray(errors) && errors.length > 0) {
        cur = errors[0];
        continue;
      }
      cur = (cur as { cause?: unknown }).cause;
    } else break;
  }
  return undefined;
}

function samplingFields(s: SamplingSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.temperature !== undefined) out.temperature = s.temperature;
  if (s.top_p !== undefined) out.top_p = s.top_p;
  if (s.frequency_penalty !== undefined) out.frequency_penalty = s.frequency_penalty;
  if (s.presence_penalty !== undefined) out.presence_penalty = s.presence_penalty;
  if (s.max_tokens !== undefined) out.max_tokens = s.max_tokens;
  if (s.stop && s.stop.length > 0) out.stop = s.stop;
  return out;
}

function toWireMessage(m: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0) {
    out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    if (!m.content) out.content = null;
  }
  if (m.role === 'tool' && m.toolCallId) out.tool_call_id = m.toolCallId;
  if (m.name) out.name = m.name;
  return out;
}

interface ToolDelta {
  index: number | undefined;
  id?: string;
  name?: string;
  arguments?: string;
}

interface ParsedEvent {
  content?: string;
  reasoning?: string;
  toolDeltas: ToolDelta[];
  finishReason?: string;
  usage?: { promptTokens?: number; completionTokens?: number };
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function parseEvent(data: string, provider: string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new EngineError('UPSTREAM_ERROR', `${provider}: malformed stream event`, { details: { provider, excerpt: data.slice(0, 120) } });
  }
  const root = rec(json) ?? {};
  const error = rec(root.error);
  if (error) {
    const message = str(error.message) ?? 'error event in stream';
    throw new EngineError('UPSTREAM_ERROR', `${provider}: ${message.slice(0, 300)}`, { details: { provider, code: error.code ?? null } });
  }
  const out: ParsedEvent = { toolDeltas: [] };
  const usage = rec(root.usage);
  if (usage) {
    const p = usage.prompt_tokens;
    const c = usage.completion_tokens;
    out.usage = { ...(typeof p === 'number' ? { promptTokens: p } : {}), ...(typeof c === 'number' ? { completionTokens: c } : {}) };
  }
  const choice = Array.isArray(root.choices) ? rec(root.choices[0]) : undefined;
  if (!choice) return out;
  const delta = rec(choice.delta) ?? rec(choice.message) ?? {};
  const content = str(delta.content);
  if (content) out.content = content;
  const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
  if (reasoning) out.reasoning = reasoning;
  const finish = str(choice.finish_reason);
  if (finish) out.finishReason = finish;
  if (Array.isArray(delta.tool_calls)) {
    for (const raw of delta.tool_calls) {
      const call = rec(raw);
      if (!call) continue;
      const fn = rec(call.function) ?? {};
      const args = fn.arguments;
      out.toolDeltas.push({
        index: typeof call.index === 'number' ? call.index : undefined,
        ...(str(call.id) ? { id: str(call.id) as string } : {}),
        ...(str(fn.name) ? { name: str(fn.name) as string } : {}),
        // Some servers send finished arguments as an object instead of JSON text.
        ...(typeof args === 'string' ? { arguments: args } : rec(args) ? { arguments: JSON.stringify(args) } : {}),
      });
    }
  }
  return out;
}

/** Joins streamed tool call fragments by `index` (or by id for servers that omit the index). */
class ToolCallAssembler {
  private readonly byKey = new Map<string, { id?: string; name: string; arguments: string }>();

  add(d: ToolDelta): void {
    const key = d.index !== undefined ? `i${d.index}` : d.id !== undefined ? `id${d.id}` : `n${this.byKey.size}`;
    const cur = this.byKey.get(key) ?? { name: '', arguments: '' };
    if (d.id && !cur.id) cur.id = d.id;
    if (d.name) cur.name = cur.name && cur.name !== d.name ? cur.name + d.name : d.name;
    if (d.arguments) cur.arguments += d.arguments;
    this.byKey.set(key, cur);
  }

  calls(): ToolCall[] {
    return [...this.byKey.values()]
      .filter((c) => c.name)
      .map((c, i) => ({ id: c.id ?? `call_${i}`, name: c.name, arguments: c.arguments || '{}' }));
  }
}
