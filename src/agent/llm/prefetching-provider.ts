import type { Logger } from 'pino';
import type { LlmChunk, LlmProvider, LlmRequest } from './llm-types.ts';

export type PrefetchRequest = Omit<LlmRequest, 'signal'>;

export interface PrefetchStats {
  started: number;
  /** Taken over by the turn they were started for. */
  claimed: number;
  /** Cancelled, replaced, expired or not matching the turn's request. */
  discarded: number;
}

/** Same messages, tools and sampling: the turn would send exactly this request. */
function requestKey(r: PrefetchRequest): string {
  return JSON.stringify([r.messages, r.tools ?? [], r.sampling]);
}

/** One request started ahead of its turn; its chunks are buffered until the turn takes it over. */
class Prefetch {
  readonly controller = new AbortController();
  readonly chunks: LlmChunk[] = [];
  done = false;
  failed = false;
  error: unknown;
  private wake: (() => void) | undefined;

  constructor(
    readonly key: string,
    readonly startedAt: number,
  ) {}

  async pump(stream: AsyncIterable<LlmChunk>): Promise<void> {
    try {
      for await (const chunk of stream) {
        this.chunks.push(chunk);
        this.notify();
      }
    } catch (err) {
      this.failed = true;
      this.error = err;
    } finally {
      this.done = true;
      this.notify();
    }
  }

  /** Replays what arrived so far, then follows the live stream. Aborting `signal` aborts the request. */
  async *follow(signal: AbortSignal): AsyncGenerator<LlmChunk> {
    const onAbort = (): void => this.controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (let i = 0; ; ) {
        if (i < this.chunks.length) {
          yield this.chunks[i++] as LlmChunk;
          continue;
        }
        if (this.done) {
          if (this.failed) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      // The turn stopped reading early (abort, blocked output, an error of its own): stop the model.
      if (!this.done) this.controller.abort();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * Lets the agent start the LLM before a turn exists: `prefetch()` sends the request the turn is
 * expected to send (built from a tentative transcript during the VAD hangover) and buffers the
 * reply. When the turn then streams exactly that request, it takes the prefetched reply over,
 * already under way; any other request cancels the prefetch and goes to the wrapped provider.
 * One prefetch at a time; an unclaimed one is cancelled after `ttlMs`. A prefetch that failed
 * before being claimed is simply not used, so the turn's own request still gets the chain's
 * retries and fallbacks.
 */
export class PrefetchingProvider implements LlmProvider {
  readonly stats: PrefetchStats = { started: 0, claimed: 0, discarded: 0 };
  private current: Prefetch | undefined;
  private expiry: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: LlmProvider,
    private readonly log: Logger,
    private readonly ttlMs = 10_000,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get supportsTools(): boolean {
    return this.inner.supportsTools;
  }

  /** Starts `request` now, replacing (cancelling) any earlier prefetch. Returns when it was sent. */
  prefetch(request: PrefetchRequest): number {
    this.cancel('replaced');
    const p = new Prefetch(requestKey(request), performance.now());
    this.current = p;
    this.stats.started++;
    void p.pump(this.inner.stream({ ...request, signal: p.controller.signal }));
    this.expiry = setTimeout(() => this.cancel('expired'), this.ttlMs);
    this.expiry.unref();
    this.log.debug({ event: 'llm.prefetch_started', provider: this.inner.id }, 'LLM request started ahead of its turn');
    return p.startedAt;
  }

  /** Drops the prefetch in flight, if any (the voice came back, or its turn will not come). */
  cancel(reason: string): void {
    const p = this.current;
    if (!p) return;
    this.current = undefined;
    clearTimeout(this.expiry);
    p.controller.abort();
    this.stats.discarded++;
    this.log.debug({ event: 'llm.prefetch_discarded', reason, chunks: p.chunks.length }, 'prefetched LLM request dropped');
  }

  stream(request: LlmRequest): AsyncIterable<LlmChunk> {
    const p = this.current;
    const usable = p !== undefined && !(p.done && p.failed);
    if (usable && p.key === requestKey(request)) {
      this.current = undefined;
      clearTimeout(this.expiry);
      this.stats.claimed++;
      this.log.debug({ event: 'llm.prefetch_claimed', ahead_ms: Math.round(performance.now() - p.startedAt), chunks: p.chunks.length }, 'turn took over the prefetched LLM request');
      return p.follow(request.signal);
    }
    this.cancel(usable ? 'mismatch' : 'failed');
    return this.inner.stream(request);
  }

  async warmup(): Promise<void> {
    await this.inner.warmup?.();
  }

  async dispose(): Promise<void> {
    this.cancel('dispose');
    await this.inner.dispose?.();
  }
}
