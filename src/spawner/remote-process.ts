import type { Socket } from 'node:net';
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

const STDERR_KEEP = 500;

/**
 * A child process started by the spawner helper, seen from the daemon: write its stdin, read its
 * stdout as a stream, kill it, await its exit. The helper hands over the child's stdin and stdout
 * pipes, so both are read and written here directly (with the pipes' own flow control); writes made
 * before the pipe arrives are kept and sent when it does.
 */
export class RemoteProcess {
  pid: number | undefined;
  /** Set when the process could not start or its helper died; the process is then over. */
  error: EngineError | undefined;
  stderr = '';
  readonly exited: Promise<RemoteExit>;
  private exit: RemoteExit | undefined;
  private resolveExit: (e: RemoteExit) => void = () => undefined;
  private stdinPipe: Socket | undefined;
  private stdoutPipe: Socket | undefined;
  private pendingWrites: Array<{ data: string; end: boolean }> = [];
  private wake: (() => void) | undefined;
  private referenced = false;
  private reading = false;
  private killed = false;

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
    if (!this.stdinPipe) {
      this.pendingWrites.push({ data, end });
      return;
    }
    if (data.length > 0) this.stdinPipe.write(data);
    if (end) this.stdinPipe.end();
  }

  /** Kills the child; its unread output is dropped. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.killed = true;
    if (!this.reading) this.stdoutPipe?.destroy();
    if (this.exit) return;
    this.host.send({ op: 'kill', id: this.id, signal });
  }

  /** A referenced process keeps the daemon's event loop alive until it exits; an idle spare should not. */
  ref(): void {
    if (this.referenced || this.exit) return;
    this.referenced = true;
    this.stdinPipe?.ref();
    this.host.retain(1);
  }

  unref(): void {
    if (!this.referenced) return;
    this.referenced = false;
    this.stdinPipe?.unref();
    this.host.retain(-1);
  }

  /** The child's stdout, to be read once, ending when the child has closed it (or never started). */
  async *stdout(): AsyncGenerator<Buffer> {
    if (this.reading) throw new EngineError('INTERNAL', 'stdout of a remote process is read once');
    this.reading = true;
    while (!this.stdoutPipe && !this.exit) await new Promise<void>((resolve) => (this.wake = resolve));
    const pipe = this.stdoutPipe;
    if (!pipe || pipe.destroyed) return;
    // A reader keeps the daemon alive until the output is read, even after the exit message.
    pipe.ref();
    try {
      for await (const chunk of pipe) yield chunk as Buffer;
    } catch (err) {
      // The pipe is torn down when the child is killed or its helper dies; the process says why.
      if (!this.killed && !this.error) throw new EngineError('SPAWN_FAILED', `reading the child's output failed: ${(err as Error).message}`, { cause: err });
    }
  }

  onStdin(pid: number, pipe: Socket): void {
    this.pid = pid;
    this.stdinPipe = pipe;
    pipe.on('error', () => undefined);
    if (!this.referenced) pipe.unref();
    if (this.exit) return void pipe.destroy();
    const writes = this.pendingWrites;
    this.pendingWrites = [];
    for (const w of writes) this.write(w.data, w.end);
  }

  onStdout(pipe: Socket): void {
    this.stdoutPipe = pipe;
    pipe.on('error', () => undefined);
    pipe.unref();
    if (this.killed) pipe.destroy();
    this.signal();
  }

  onStderr(data: string): void {
    if (this.stderr.length < STDERR_KEEP) this.stderr += data;
  }

  onError(err: EngineError): void {
    this.error ??= err;
  }

  onExit(exit: RemoteExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.pendingWrites = [];
    this.stdinPipe?.destroy();
    if (this.killed && !this.reading) this.stdoutPipe?.destroy();
    this.unref();
    this.resolveExit(exit);
    this.signal();
  }

  /**
   * Its helper died: the pipes are closed here (a child still writing gets SIGPIPE) and the child is
   * killed by pid, so nothing outlives the helper.
   */
  onHelperLost(err: EngineError): void {
    this.onError(err);
    this.stdoutPipe?.destroy();
    if (this.pid !== undefined && !this.exit) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.onExit({ code: null, signal: null });
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
