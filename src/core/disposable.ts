/** A cleanup function. It may be async; errors are collected, never thrown past the store. */
export type Disposer = () => void | Promise<void>;

/**
 * Collects cleanups and runs them in reverse order of registration. Every timer, socket,
 * child process and subscription a component starts should land in its owner's store.
 */
export class DisposableStore {
  private readonly disposers: Disposer[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add(disposer: Disposer): Disposer {
    if (this.disposed) {
      // Late registration after dispose (e.g. a setup that finished after its timeout): clean at once.
      void Promise.resolve().then(disposer).catch(() => undefined);
      return disposer;
    }
    this.disposers.push(disposer);
    return disposer;
  }

  /** Runs every cleanup, newest first. Returns the errors thrown by cleanups (they do not stop the others). */
  async dispose(): Promise<unknown[]> {
    if (this.disposed) return [];
    this.disposed = true;
    const errors: unknown[] = [];
    while (this.disposers.length > 0) {
      const disposer = this.disposers.pop();
      if (!disposer) continue;
      try {
        await disposer();
      } catch (err) {
        errors.push(err);
      }
    }
    return errors;
  }
}
