import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../core/errors.ts';
import { RemoteProcess, type RemoteExit } from './remote-process.ts';

const HELPER_SCRIPT = fileURLToPath(new URL('./spawner-helper.mjs', import.meta.url));
const HEADER = 9;
/** Frame types written by the helper (see spawner-helper.mjs). */
const Frame = { Spawned: 1, Stdout: 2, Stderr: 3, Exit: 4, Error: 5 } as const;
/** How long dispose waits for the helper to reap its children and exit before killing it. */
const DISPOSE_WAIT_MS = 2000;

type Helper = ChildProcessByStdio<Writable, Readable, Readable>;

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
 * script of a few tens of MB, so the fork happens there and the daemon only writes a line to a pipe.
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
  private pending: Buffer = Buffer.alloc(0);
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
    helper.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, DISPOSE_WAIT_MS)))]);
    clearTimeout(timer);
    if (this.helper === helper) helper.kill('SIGKILL');
    await exited;
  }

  private readonly host = {
    send: (msg: Record<string, unknown>): void => {
      const helper = this.helper;
      if (!helper || !helper.stdin.writable) return;
      helper.stdin.write(`${JSON.stringify(msg)}\n`);
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
    const helper = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    this.helper = helper;
    this.pending = Buffer.alloc(0);
    this.helperStderr = '';
    helper.stdin.on('error', () => undefined);
    helper.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    helper.stderr.on('data', (d: Buffer) => {
      if (this.helperStderr.length < 500) this.helperStderr += d.toString('utf8');
    });
    let startError: Error | undefined;
    helper.on('error', (err) => (startError = err));
    this.helperExited = new Promise((resolve) => {
      helper.on('close', (code, signal) => {
        this.onHelperExit(helper, code, signal, startError);
        resolve();
      });
    });
    this.applyRef();
  }

  private applyRef(): void {
    const helper = this.helper;
    if (!helper) return;
    const handles = [helper, helper.stdin, helper.stdout, helper.stderr] as Array<{ ref?: () => void; unref?: () => void }>;
    for (const h of handles) {
      if (this.refs > 0) h.ref?.();
      else h.unref?.();
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
    for (const p of procs) {
      p.onError(err);
      p.onExit({ code: null, signal: null });
    }
  }

  private onData(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= HEADER) {
      const length = buf.readUInt32BE(5);
      if (buf.length < HEADER + length) break;
      this.onFrame(buf.readUInt8(0), buf.readUInt32BE(1), buf.subarray(HEADER, HEADER + length));
      buf = buf.subarray(HEADER + length);
    }
    // Copy the remainder so a small tail does not pin a large chunk.
    this.pending = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
  }

  private onFrame(type: number, id: number, payload: Buffer): void {
    const proc = this.procs.get(id);
    if (!proc) return;
    switch (type) {
      case Frame.Spawned:
        proc.onSpawned(Number(payload.toString('utf8')));
        break;
      case Frame.Stdout:
        proc.onStdout(payload);
        break;
      case Frame.Stderr:
        proc.onStderr(payload);
        break;
      case Frame.Error:
        proc.onError(new EngineError('SPAWN_FAILED', payload.toString('utf8')));
        break;
      case Frame.Exit: {
        this.procs.delete(id);
        proc.onExit(parseExit(payload));
        break;
      }
    }
  }
}

function parseExit(payload: Buffer): RemoteExit {
  try {
    const v = JSON.parse(payload.toString('utf8')) as { code?: unknown; signal?: unknown };
    return { code: typeof v.code === 'number' ? v.code : null, signal: typeof v.signal === 'string' ? v.signal : null };
  } catch {
    return { code: null, signal: null };
  }
}
