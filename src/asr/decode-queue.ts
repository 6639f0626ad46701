import { EngineError } from '../core/errors.ts';

/**
 * Runs decodes one at a time (a recognizer on a 2-core machine gains nothing from running
 * several at once), with a bound on how many may wait. A full queue refuses with QUEUE_FULL.
 */
export class DecodeQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly maxWaiting: number) {}

  get pending(): number {
    return this.waiting;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.maxWaiting) return Promise.reject(new EngineError('QUEUE_FULL', `speech recognition is busy (${this.waiting} decodes waiting)`));
    this.waiting++;
    const result = this.tail.then(job, job);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.waiting--;
    });
  }
}
