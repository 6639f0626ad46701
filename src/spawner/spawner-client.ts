import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../core/errors.ts';
import { RemoteProcess, type RemoteExit } from './remote-process.ts';

const HELPER_SCRIPT = fileURLToPath(new URL('./spawner-helper.mjs', import.meta.url));
/** How long dispose waits for the helper to reap its children and exit before killing it. */
const DISPOSE_WAIT_MS = 2000;

type Helper = ChildProcess;

/** A message from the helper (see spawner-helper.mjs). */
interface HelperMessage {
  type?: unknown;
  id?: unknown;
  pid?: unknown;
  data?: unknown;
  message?: unknown;
  code?: unknown;
  signal?: unknown;
}

export interface SpawnerOptions {
  /**
   * Niceness (0–19) of the helper and so of every process it starts. Work such as speech
   * synthesis then yields the CPU to the daemon's event loop when both want it.
   */
  nice?: number;
}

/**
 * Starts child processes through a small long-lived helper process (spawner-helper.mjs).
 *
 * Why: on Linux libuv spawns by fork() on the calling thread, and forking a daemon of ~250 MB
 * blocks the event loop 10–40 ms each time (page tables are copied). The helper is a plain Node
 * script of a few tens of MB, so the fork happens there and the daemon only sends it a message. The
 * helper hands each child's stdin and stdout pipes back, so the daemon reads and writes them directly.
 * The helper starts on first use and again after it dies; processes in flight when it dies end
 * with a SPAWN_FAILED error. dispose() kills every child and the helper, leaving no process behind.
 */
export class SpawnerClient {
  constructor(private readonly opts: SpawnerOptions = {}) {}

  private helper: Helper | undefined;
  private helperExited: Promise<void> | undefined;
  private readonly procs = new Map<number, RemoteProcess>();
  private nextId = 1;
  private refs = 0;
  private disposed = false;
  private helperStderr = '';

  /** The helper's pid while it runs (tests, diagnostics). */
  get helperPid(): number | undefined {
    return this.helper?.pid;
  }

  /** Processes started and not yet exited. */
  get running(): number {
    return this.procs.size;
  }

  /**
   * Starts `command` with `args` in the helper. The process is referenced (keeps the event loop
   * alive) unless `ref` is false. Never throws for a failed start: the returned process ends with `error` set.
   */
  spawn(command: string, args: readonly string[], opts: { ref?: boolean } = {}): RemoteProcess {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const proc = new RemoteProcess(this.host, id);
    if (opts.ref !== false) proc.ref();
    if (this.disposed) {
      proc.onError(new EngineError('SPAWN_FAILED', 'the process spawner was disposed'));
      proc.onExit({ code: null, signal: null });
      return proc;
    }
    this.procs.set(id, proc);
    this.ensureHelper();
    this.host.send({ op: 'spawn', id, command, args });
    return proc;
  }

  /** Kills every child (the helper reaps them), then the helper; resolves once it has exited. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const helper = this.helper;
    const exited = this.helperExited;
    if (!helper || !exited) return;
    // Closing the channel tells the helper to kill its children and exit.
    if (helper.connected) helper.disconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, DISPOSE_WAIT_MS)))]);
    clearTimeout(timer);
    if (this.helper === helper) helper.kill('SIGKILL');
    await exited;
  }

  private readonly host = {
    send: (msg: Record<string, unknown>): void => {
      const helper = this.helper;
      if (!helper?.connected) return;
      // An error here means the helper is gone; its exit fails the processes in flight.
      helper.send(msg, undefined, undefined, () => undefined);
    },
    retain: (delta: 1 | -1): void => {
      this.refs += delta;
      this.applyRef();
    },
  };

  private ensureHelper(): void {
    if (this.helper) return;
    // The helper needs no loader or flags of ours (it is plain JS); NODE_OPTIONS could carry tsx.
    const args = this.opts.nice ? [HELPER_SCRIPT, `--nice=${Math.round(this.opts.nice)}`] : [HELPER_SCRIPT];
    const helper = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } });
    this.helper = helper;
    this.helperStderr = '';
    helper.on('message', (msg: HelperMessage, handle: unknown) => this.onMessage(msg, handle as Socket | undefined));
    helper.stderr?.on('data', (d: Buffer) => {
      if (this.helperStderr.length < 500) this.helperStderr += d.toString('utf8');
    });
    let startError: Error | undefined;
    this.helperExited = new Promise((resolve) => {
      let settled = false;
      const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        this.onHelperExit(helper, code, signal, startError);
        resolve();
      };
      helper.on('error', (err) => {
        startError = err;
        if (helper.pid === undefined) settle(null, null);
      });
      // 'exit', not 'close': with an IPC channel the daemon closed, 'close' does not always come.
      // The last stderr lines (why it died) get a moment to arrive.
      helper.on('exit', (code, signal) => {
        const stderr = helper.stderr;
        if (!stderr || stderr.closed) return settle(code, signal);
        const timer = setTimeout(() => settle(code, signal), 50);
        stderr.once('close', () => {
          clearTimeout(timer);
          settle(code, signal);
        });
      });
    });
    this.applyRef();
  }

  private applyRef(): void {
    const helper = this.helper;
    if (!helper) return;
    const handles = [helper, helper.channel, helper.stderr] as Array<{ ref?: () => void; unref?: () => void } | null | undefined>;
    for (const h of handles) {
      if (this.refs > 0) h?.ref?.();
      else h?.unref?.();
    }
  }

  private onHelperExit(helper: Helper, code: number | null, signal: NodeJS.Signals | null, startError: Error | undefined): void {
    if (this.helper !== helper) return;
    this.helper = undefined;
    const why = startError ? `could not start: ${startError.message}` : `exited (code ${code}, signal ${signal})`;
    const detail = this.helperStderr.trim().slice(0, 200);
    const err = new EngineError('SPAWN_FAILED', `process spawner helper ${why}${detail ? `: ${detail}` : ''}`, startError ? { cause: startError } : undefined);
    const procs = [...this.procs.values()];
    this.procs.clear();
    for (const p of procs) p.onHelperLost(err);
  }

  private onMessage(msg: HelperMessage, handle: Socket | undefined): void {
    const proc = typeof msg.id === 'number' ? this.procs.get(msg.id) : undefined;
    if (!proc) {
      handle?.destroy();
      return;
    }
    switch (msg.type) {
      case 'stdin':
        if (handle) proc.onStdin(Number(msg.pid), handle);
        break;
      case 'stdout':
        if (handle) proc.onStdout(handle);
        break;
      case 'stderr':
        proc.onStderr(String(msg.data ?? ''));
        break;
      case 'error':
        proc.onError(new EngineError('SPAWN_FAILED', String(msg.message ?? 'unknown error')));
        break;
      case 'exit':
        this.procs.delete(proc.id);
        proc.onExit(toExit(msg));
        break;
    }
  }
}

function toExit(msg: HelperMessage): RemoteExit {
  return { code: typeof msg.code === 'number' ? msg.code : null, signal: typeof msg.signal === 'string' ? msg.signal : null };
}
