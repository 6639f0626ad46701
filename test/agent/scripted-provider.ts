import { EngineError } from '../../src/core/errors.ts';
import { sleep } from '../../src/core/retry.ts';
import type { LlmChunk, LlmProvider, LlmRequest } from '../../src/agent/llm/llm-types.ts';

export interface ScriptedReply {
  /** Text chunks streamed in order. */
  chunks?: string[];
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  ttftMs?: number;
  tokenDelayMs?: number;
  /** Throw this code after the chunks (mid-stream failure) or before the first (when no chunks). */
  failWith?: 'UPSTREAM_ERROR' | 'UPSTREAM_UNREACHABLE';
}

/**
 * An in-process LLM at the provider seam with scripted replies and timing. Used by tests that
 * check the agent's own pipeline; the HTTP path is covered against the fake OpenAI server.
 */
export class ScriptedProvider implements LlmProvider {
  readonly id = 'scripted';
  readonly supportsTools = true;
  readonly requests: LlmRequest[] = [];
  private readonly replies: ScriptedReply[];

  constructor(replies: ScriptedReply[] = [], private readonly fallback: ScriptedReply = { chunks: ['Okay!'] }) {
    this.replies = [...replies];
  }

  script(...replies: ScriptedReply[]): void {
    this.replies.push(...replies);
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmChunk> {
    this.requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
    const reply = this.replies.shift() ?? this.fallback;
    if (reply.ttftMs) await sleep(reply.ttftMs, request.signal).catch(() => undefined);
    if (request.signal.aborted) throw new EngineError('ABORTED');
    if (reply.failWith && !reply.chunks?.length) throw new EngineError(reply.failWith, 'scripted failure');
    for (const [i, text] of (reply.chunks ?? []).entries()) {
      if (i > 0 && reply.tokenDelayMs) await sleep(reply.tokenDelayMs, request.signal).catch(() => undefined);
      if (request.signal.aborted) throw new EngineError('ABORTED');
      yield { type: 'text', text };
    }
    if (reply.failWith) throw new EngineError(reply.failWith, 'scripted mid-stream failure');
    for (const call of reply.toolCalls ?? []) yield { type: 'tool_call', call };
    yield { type: 'done', usage: { promptTokens: 10, completionTokens: 5 }, finishReason: reply.toolCalls?.length ? 'tool_calls' : 'stop' };
  }
}
