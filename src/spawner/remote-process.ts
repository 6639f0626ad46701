import { EngineError } from '../core/errors.ts';

/** How a remote child ended. `code` and `signal` are both null when it never ran or its helper died. */
export interface RemoteExit {
  code: number | null;
  signal: string | null;
}

/** What a remote process needs from the client that owns it. */
export interface RemoteProcessHost {
  send(msg: Record<string, unknown>): void;
  /** Holds the daemon open while at least one process is referenced (see RemoteProcess.ref). */
  retain(delta: 1 | -1): void;
}

/** Above this much unread stdout the child's stdout is paused in the helper; below the low mark it resumes. */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;
const STDERR_KEEP = 500;

/**
 * A child process started by the spawner helper, seen from the daemon: write its stdin, read its
 * stdout as a stream, kill it, await its exit. Its stdout is buffered here with flow control.
 */
export class RemoteProcess {
  pid: number | undefined;
  /** Set when the process could not start or its helper died; the process is then over. */
  error: EngineError | undefined;
  stderr = '';
  readonly exited: Promise<RemoteExit>;
  private exit: RemoteExit | undefined;
  private resolveExit: (e: RemoteExit) => void = () => undefined;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private paused = false;
  private wake: (() => void) | undefined;
  private referenced = false;
  private reading = false;

  constructor(
    private readonly host: RemoteProcessHost,
    readonly id: number,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** Still starting or running (not exited, not failed). */
  get alive(): boolean {
    return this.exit === undefined && this.error === undefined;
  }

  get exitInfo(): RemoteExit | undefined {
    return this.exit;
  }

  /** Writes `data` to the child's stdin, and closes it when `end`. */
  write(data: string, end = false): void {
    if (this.exit) return;
    this.host.send({ op: 'write', id: this.id, data, end });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exit) return;
    this.host.send({ op: 'kill', id: this.id, signal });
  }

  /** A referenced process keeps the daemon's event loop alive until it exits; an idle spare should not. */
  ref(): void {
    if (this.referenced || this.exit) return;
    this.referenced = true;
    this.host.retain(1);
  }

  unref(): void {
    if (!this.referenced) return;
    this.referenced = false;
    this.host.retain(-1);
  }

  /** The child's stdout, to be read once, ending when the child has exited. */
  async *stdout(): AsyncGenerator<Buffer> {
    if (this.reading) throw new EngineError('INTERNAL', 'stdout of a remote process is read once');
    this.reading = true;
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        this.buffered -= chunk.length;
        if (this.paused && this.buffered <= LOW_WATER) {
          this.paused = false;
          this.host.send({ op: 'resume', id: this.id });
        }
        yield chunk;
        continue;
      }
      if (this.exit) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  onSpawned(pid: number): void {
    this.pid = pid;
  }

  onStdout(data: Buffer): void {
    if (this.exit) return;
    this.chunks.push(data);
    this.buffered += data.length;
    if (!this.paused && this.buffered > HIGH_WATER) {
      this.paused = true;
      this.host.send({ op: 'pause', id: this.id });
    }
    this.signal();
  }

  onStderr(data: Buffer): void {
    if (this.stderr.length < STDERR_KEEP) this.stderr += data.toString('utf8');
  }

  onError(err: EngineError): void {
    this.error ??= err;
  }

  onExit(exit: RemoteExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.unref();
    this.resolveExit(exit);
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
