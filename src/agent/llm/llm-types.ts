import type { JsonSchema } from '../../core/tool-registry.ts';

/**
 * The seam between the agent and language models. Every provider (OpenAI-compatible HTTP,
 * node-llama-cpp in process) streams the same chunks, so the agent never knows which one answered.
 */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text of the arguments, as the model produced it. */
  arguments: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** For `assistant` messages that called tools. */
  toolCalls?: ToolCall[];
  /** For `tool` messages: which call this answers. */
  toolCallId?: string;
  name?: string;
}

export interface SamplingSettings {
  temperature?: number;
  top_p?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  repeat_penalty?: number;
  max_tokens?: number;
  stop?: string[];
}

export interface LlmToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface LlmRequest {
  messages: ChatMessage[];
  tools?: LlmToolSpec[];
  sampling: SamplingSettings;
  signal: AbortSignal;
}

export type LlmChunk =
  /** Text meant for the listener (may still contain inline tags the segmenter strips). */
  | { type: 'text'; text: string }
  /** Reasoning / <think> content: logged, never spoken. */
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'done'; usage?: { promptTokens?: number; completionTokens?: number }; finishReason?: string };

export interface LlmProvider {
  /** Unique within the chain, e.g. `openai:ollama` or `llama:qwen-0.5b`. */
  readonly id: string;
  readonly supportsTools: boolean;
  /** Streams one completion. Throws an EngineError (UPSTREAM_UNREACHABLE, UPSTREAM_ERROR, TIMEOUT, ABORTED). */
  stream(request: LlmRequest): AsyncIterable<LlmChunk>;
  /** Loads what the first request would otherwise wait for (a local model); optional. */
  warmup?(): Promise<void>;
  /** Releases models, sockets, sessions. */
  dispose?(): Promise<void>;
}
