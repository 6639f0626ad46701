import { abortError } from '../core/abort.ts';

/**
 * A single-consumer queue between a producer that pushes and a consumer that awaits. It ends
 * cleanly (`end`) or with an error (`fail`); `next` rejects at once when the signal aborts.
 */
export class ChunkQueue<T> {
  private readonly items: T[] = [];
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(err: Error): void {
    if (this.ended) return;
    this.error = err;
    this.ended = true;
    this.notify();
  }

  get done(): boolean {
    return this.ended && this.items.length === 0;
  }

  /** The next item, or `undefined` when the queue ended; throws the producer's error after its items. */
  async next(signal: AbortSignal): Promise<T | undefined> {
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      if (this.items.length > 0) return this.items.shift();
      if (this.ended) {
        if (this.error) throw this.error;
        return undefined;
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.wake = undefined;
          reject(abortError(signal));
        };
        this.wake = () => {
          signal.removeEventListener('abort', onAbort);
          this.wake = undefined;
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  private notify(): void {
    this.wake?.();
  }
}
