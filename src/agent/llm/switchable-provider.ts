import type { LlmChunk, LlmProvider, LlmRequest } from './llm-types.ts';

/**
 * The agent's provider seam across character switches: the prefetcher and the turn runner hold this
 * one object, and a switch to a character with other `llm` settings replaces what is behind it.
 * A stream that already started keeps the provider it started with.
 */
export class SwitchableProvider implements LlmProvider {
  constructor(private inner: LlmProvider) {}

  get id(): string {
    return this.inner.id;
  }

  get supportsTools(): boolean {
    return this.inner.supportsTools;
  }

  get current(): LlmProvider {
    return this.inner;
  }

  /** Returns the provider that was replaced (the caller disposes it). */
  replace(next: LlmProvider): LlmProvider {
    const old = this.inner;
    this.inner = next;
    return old;
  }

  stream(request: LlmRequest): AsyncIterable<LlmChunk> {
    return this.inner.stream(request);
  }

  async warmup(): Promise<void> {
    await this.inner.warmup?.();
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }
}
