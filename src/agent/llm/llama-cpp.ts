import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ChatHistoryItem, ChatModelFunctions, ChatModelResponse, GbnfJsonSchema, Llama, LlamaChat, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { EngineError, isAbortError } from '../../core/errors.ts';
import { ggufHeaderProblem } from '../../models/gguf-header.ts';
import type { ChatMessage, LlmChunk, LlmProvider, LlmRequest, LlmToolSpec } from './llm-types.ts';
import { ThinkFilter } from './think-filter.ts';
import { raceAbort } from '../../core/abort.ts';

/**
 * node-llama-cpp in process, for a GGUF file. The model and one context sequence are loaded once and
 * kept: when a request continues the previous conversation (same messages, plus the last reply, plus
 * new ones), the previous context window is handed back so only the new tokens are evaluated; any
 * other history still reuses the longest common token prefix (the system prompt) of the sequence.
 * Tools are offered through node-llama-cpp's function calling; a call ends the reply with a
 * `tool_call` chunk, and the agent sends the result back as a `tool` message.
 */
export interface LlamaCppOptions {
  id: string;
  /** Absolute path of the GGUF file. */
  modelPath: string;
  /** CPU threads; 0 = node-llama-cpp decides. */
  threads: number;
  contextSize: number;
  gpu: boolean;
  supportsTools?: boolean;
  log?: Logger;
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  chat: LlamaChat;
}

let llamaPromise: Promise<Llama> | undefined;

/** One llama.cpp runtime per process (its native backend is global). */
async function runtime(gpu: boolean): Promise<Llama> {
  llamaPromise ??= import('node-llama-cpp').then(({ getLlama, LlamaLogLevel }) =>
    getLlama({ gpu: gpu ? 'auto' : false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false }),
  );
  return llamaPromise;
}

export class LlamaCppProvider implements LlmProvider {
  readonly id: string;
  readonly supportsTools: boolean;
  private loading: Promise<Loaded> | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Our messages that the sequence holds, including the last reply, and node-llama-cpp's window for them. */
  private last: { messages: ChatMessage[]; contextWindow: ChatHistoryItem[] } | undefined;
  private disposed = false;
  /** Figures for benchmarks and status: prompt tokens actually evaluated by the last request vs. held in the sequence. */
  readonly stats = { loadMs: 0, requests: 0, continuations: 0, lastEvaluatedInputTokens: 0, lastSequenceTokens: 0 };

  constructor(private readonly opts: LlamaCppOptions) {
    this.id = opts.id;
    this.supportsTools = opts.supportsTools ?? true;
  }

  warmup(): Promise<void> {
    return this.load().then(() => undefined);
  }

  private load(): Promise<Loaded> {
    if (this.disposed) return Promise.reject(new EngineError('STAGE_UNAVAILABLE', `${this.id}: provider disposed`));
    this.loading ??= (async () => {
      if (!existsSync(this.opts.modelPath)) {
        throw new EngineError('MODEL_MISSING', `${this.id}: model file not found: ${path.basename(this.opts.modelPath)}`, { details: { path: this.opts.modelPath } });
      }
      // node-llama-cpp's loader can wait forever on a file that is not a GGUF (an HTML error page, a cut download).
      const problem = ggufHeaderProblem(this.opts.modelPath);
      if (problem) throw new EngineError('MODEL_MISSING', `${this.id}: ${path.basename(this.opts.modelPath)} is not a usable GGUF file (${problem}); download it again (npm run models -- verify names it; pull it with --force)`, { details: { path: this.opts.modelPath } });
      const started = performance.now();
      const llama = await runtime(this.opts.gpu);
      const { LlamaChat } = await import('node-llama-cpp');
      const model = await llama.loadModel({ modelPath: this.opts.modelPath, gpuLayers: this.opts.gpu ? 'auto' : 0 });
      const context = await model.createContext({ contextSize: this.opts.contextSize, sequences: 1, ...(this.opts.threads > 0 ? { threads: this.opts.threads } : {}) });
      const chat = new LlamaChat({ contextSequence: context.getSequence() });
      this.stats.loadMs = performance.now() - started;
      this.opts.log?.info({ event: 'llm.model_loaded', provider: this.id, ms: Math.round(this.stats.loadMs), contextSize: context.contextSize }, 'local LLM loaded');
      return { model, context, chat };
    })().catch((err: unknown) => {
      this.loading = undefined;
      if (err instanceof EngineError) throw err;
      throw new EngineError('STAGE_UNAVAILABLE', `${this.id}: model failed to load (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    });
    return this.loading;
  }

  async *stream(request: LlmRequest): AsyncGenerator<LlmChunk> {
    const { signal } = request;
    if (signal.aborted) throw new EngineError('ABORTED', `${this.id}: aborted`);
    const loaded = await this.load();
    // One sequence: requests run one after another.
    const previous = this.queue;
    let release: () => void = () => undefined;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    let running: Promise<unknown> | undefined;
    try {
      await raceAbort(previous, signal);
      yield* this.generate(loaded, request, (g) => (running = g));
    } finally {
      // After an abort, native generation stops at the next token; the next request waits for that.
      if (running) void running.then(release);
      else release();
    }
  }

  private async *generate(loaded: Loaded, request: LlmRequest, track: (generation: Promise<unknown>) => void): AsyncGenerator<LlmChunk> {
    const { signal } = request;
    const history = toHistory(request.messages);
    const continuation = this.last !== undefined && isPrefix(this.last.messages, request.messages);
    const lastWindow = continuation && this.last ? [...this.last.contextWindow, ...toHistory(request.messages.slice(this.last.messages.length))] : undefined;
    this.stats.requests++;
    if (continuation) this.stats.continuations++;

    const sequence = loaded.chat.sequence;
    const meterBefore = { input: sequence.tokenMeter.usedInputTokens, output: sequence.tokenMeter.usedOutputTokens };
    const pending: LlmChunk[] = [];
    let wake: (() => void) | undefined;
    const push = (chunk: LlmChunk): void => {
      pending.push(chunk);
      wake?.();
    };
    const think = new ThinkFilter();
    const functions = this.supportsTools && request.tools && request.tools.length > 0 ? toFunctions(request.tools) : undefined;
    const s = request.sampling;
    const repeat = {
      ...(s.repeat_penalty !== undefined ? { penalty: s.repeat_penalty } : {}),
      ...(s.frequency_penalty !== undefined ? { frequencyPenalty: Math.max(0, s.frequency_penalty) } : {}),
      ...(s.presence_penalty !== undefined ? { presencePenalty: Math.max(0, s.presence_penalty) } : {}),
    };
    const generation = loaded.chat
      .generateResponse(history, {
        signal,
        stopOnAbortSignal: false,
        ...(s.max_tokens !== undefined ? { maxTokens: s.max_tokens } : {}),
        ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
        ...(s.top_p !== undefined ? { topP: s.top_p } : {}),
        ...(s.stop && s.stop.length > 0 ? { customStopTriggers: s.stop } : {}),
        ...(Object.keys(repeat).length > 0 ? { repeatPenalty: repeat } : {}),
        ...(functions ? { functions } : {}),
        ...(lastWindow ? { lastEvaluationContextWindow: { history: lastWindow } } : {}),
        onResponseChunk: (chunk) => {
          if (!chunk.text) return;
          if (chunk.type === 'segment') push({ type: 'reasoning', text: chunk.text });
          else for (const piece of think.push(chunk.text)) push({ type: piece.kind, text: piece.text });
        },
      })
      .then(
        (res) => ({ ok: true as const, res }),
        (err: unknown) => ({ ok: false as const, err }),
      );
    track(generation);
    let settled: Awaited<typeof generation> | undefined;
    void generation.then((r) => {
      settled = r;
      wake?.();
    });
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (let guard = 0; guard < 1_000_000; guard++) {
        while (pending.length > 0) yield pending.shift() as LlmChunk;
        if (signal.aborted) throw new EngineError('ABORTED', `${this.id}: aborted`);
        if (settled) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const result = settled;
      if (!result) throw new EngineError('INTERNAL', `${this.id}: generation did not settle`);
      if (!result.ok) {
        if (signal.aborted || isAbortError(result.err)) throw new EngineError('ABORTED', `${this.id}: aborted`, { cause: result.err });
        this.last = undefined;
        throw new EngineError('UPSTREAM_ERROR', `${this.id}: generation failed (${result.err instanceof Error ? result.err.message : String(result.err)})`, { cause: result.err });
      }
      for (const piece of think.end()) yield { type: piece.kind, text: piece.text };
      const { res } = result;
      const calls = (res.functionCalls ?? []).map((c, i) => ({ id: `call_${this.stats.requests}_${i}`, name: c.functionName, arguments: JSON.stringify(c.params ?? {}) }));
      for (const call of calls) yield { type: 'tool_call', call };
      // The sequence now holds the request plus this reply; remember both for the next turn.
      this.last = calls.length > 0 ? undefined : { messages: [...request.messages, { role: 'assistant', content: res.response }], contextWindow: res.lastEvaluation.contextWindow };
      const usage = { promptTokens: sequence.tokenMeter.usedInputTokens - meterBefore.input, completionTokens: sequence.tokenMeter.usedOutputTokens - meterBefore.output };
      this.stats.lastEvaluatedInputTokens = usage.promptTokens;
      this.stats.lastSequenceTokens = sequence.contextTokens.length;
      const stop = res.metadata.stopReason;
      yield { type: 'done', usage, finishReason: stop === 'maxTokens' ? 'length' : stop === 'functionCalls' ? 'tool_calls' : 'stop' };
    } finally {
      signal.removeEventListener('abort', onAbort);
      // An aborted reply leaves a partial answer in the sequence that the next history will not match.
      if (signal.aborted) this.last = undefined;
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const loading = this.loading;
    this.loading = undefined;
    this.last = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    if (!loaded) return;
    await this.queue.catch(() => undefined);
    await loaded.context.dispose();
    await loaded.model.dispose();
  }
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a.role === b.role && a.content === b.content && a.toolCallId === b.toolCallId && JSON.stringify(a.toolCalls ?? []) === JSON.stringify(b.toolCalls ?? []);
}

function isPrefix(prefix: ChatMessage[], messages: ChatMessage[]): boolean {
  if (prefix.length > messages.length) return false;
  return prefix.every((m, i) => {
    const other = messages[i];
    return other !== undefined && sameMessage(m, other);
  });
}

/** Our messages → node-llama-cpp history; tool results join the model response that called them. */
export function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const out: ChatHistoryItem[] = [];
  for (const m of messages) {
    const prev = out.at(-1);
    if (m.role === 'system') out.push({ type: 'system', text: m.content });
    else if (m.role === 'user') out.push({ type: 'user', text: m.content });
    else if (m.role === 'assistant') {
      const response: ChatModelResponse['response'] = m.content ? [m.content] : [];
      for (const call of m.toolCalls ?? []) response.push({ type: 'functionCall', name: call.name, params: parseArgs(call.arguments), result: undefined });
      if (prev?.type === 'model' && prev.response.some((r) => typeof r !== 'string' && r.type === 'functionCall')) prev.response.push(...response);
      else out.push({ type: 'model', response });
    } else if (m.role === 'tool' && prev?.type === 'model') {
      const open = prev.response.find((r) => typeof r !== 'string' && r.type === 'functionCall' && r.result === undefined && (m.name === undefined || r.name === m.name));
      if (open && typeof open !== 'string' && open.type === 'functionCall') open.result = m.content;
    } else if (m.role === 'tool') out.push({ type: 'user', text: m.content });
  }
  return out;
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toFunctions(tools: LlmToolSpec[]): ChatModelFunctions {
  const out: Record<string, { description: string; params?: GbnfJsonSchema }> = {};
  // NOTE: our JsonSchema is a plain JSON Schema object; node-llama-cpp accepts the GBNF-compatible subset.
  for (const t of tools) out[t.name] = { description: t.description, params: t.parameters as unknown as GbnfJsonSchema };
  return out;
}
