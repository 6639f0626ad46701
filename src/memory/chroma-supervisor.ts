import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { backoffDelay, type BackoffOptions } from '../core/retry.ts';

export interface ChromaSupervisorOptions {
  mode: 'embedded' | 'remote';
  /** Remote mode: the server URL. */
  url: string;
  /** Embedded mode: the port (0 = free port). */
  port: number;
  /** Embedded mode: where Chroma keeps its files. */
  dataPath: string;
  rootDir: string;
  healthIntervalMs: number;
  startupTimeoutMs: number;
  backoff: BackoffOptions;
  log: Logger;
}

/**
 * Owns the Chroma server: in embedded mode it runs `chroma run` (the npm package's CLI) as a child
 * process, checks its heartbeat, restarts it with backoff when it dies or stops answering, and
 * always reaps it on stop. In remote mode it only watches the heartbeat. Emits `up` and `down`.
 */
export class ChromaSupervisor extends EventEmitter<{ up: []; down: [reason: string] }> {
  private child: ChildProcess | undefined;
  private healthy = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private failures = 0;
  private port: number;
  private currentUrl: string;
  private restarting: Promise<void> | undefined;
  private readonly stderrTail: string[] = [];
  restarts = 0;
  private readonly exitHook = (): void => {
    this.child?.kill('SIGKILL');
  };

  constructor(private readonly opts: ChromaSupervisorOptions) {
    super();
    this.port = opts.port;
    this.currentUrl = opts.url.replace(/\/+$/, '');
  }

  get url(): string {
    return this.currentUrl;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** The embedded server's process id (undefined in remote mode or while it is down). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts (embedded) or probes (remote); resolves once the first heartbeat answers or the startup timeout passes. */
  async start(): Promise<boolean> {
    if (this.opts.mode === 'embedded') await this.spawnServer();
    const ok = await this.waitHealthy(this.opts.startupTimeoutMs);
    this.setHealthy(ok, ok ? '' : 'no heartbeat after start');
    this.schedule(this.opts.healthIntervalMs);
    return ok;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.killChild();
    process.removeListener('exit', this.exitHook);
    this.healthy = false;
  }

  async heartbeat(timeoutMs = 1000): Promise<boolean> {
    try {
      const res = await fetch(`${this.currentUrl}/api/v2/heartbeat`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Recent stderr lines of the embedded server, for the status page when it fails. */
  lastErrors(): string[] {
    return [...this.stderrTail];
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const childGone = this.opts.mode === 'embedded' && (!this.child || this.child.exitCode !== null || this.child.signalCode !== null);
    const ok = !childGone && (await this.heartbeat());
    if (this.stopped) return;
    if (ok) {
      this.failures = 0;
      this.attempt = 0;
      this.setHealthy(true, '');
      this.schedule(this.opts.healthIntervalMs);
      return;
    }
    this.failures++;
    this.setHealthy(false, childGone ? 'chroma process exited' : 'heartbeat failed');
    if (this.opts.mode === 'embedded' && (childGone || this.failures >= 3)) {
      await this.restart();
      return;
    }
    this.schedule(Math.min(this.opts.healthIntervalMs, backoffDelay(this.attempt++, this.opts.backoff)));
  }

  private async restart(): Promise<void> {
    this.restarting ??= (async () => {
      const delay = backoffDelay(this.attempt++, this.opts.backoff);
      this.opts.log.warn({ event: 'chroma.restart', attempt: this.attempt, delay_ms: delay }, 'restarting chroma');
      await this.killChild();
      await new Promise((r) => setTimeout(r, delay));
      if (this.stopped) return;
      this.restarts++;
      try {
        await this.spawnServer();
        const ok = await this.waitHealthy(this.opts.startupTimeoutMs);
        if (ok) {
          this.failures = 0;
          this.attempt = 0;
        }
        this.setHealthy(ok, ok ? '' : 'no heartbeat after restart');
      } catch (err) {
        this.opts.log.error({ event: 'chroma.spawn_failed', err }, 'chroma failed to start');
      }
    })().finally(() => {
      this.restarting = undefined;
      this.schedule(this.healthy ? this.opts.healthIntervalMs : 50);
    });
    await this.restarting;
  }

  private async spawnServer(): Promise<void> {
    if (this.stopped) return;
    mkdirSync(this.opts.dataPath, { recursive: true });
    if (this.port === 0 || !(await isPortFree(this.port))) this.port = await freePort();
    this.currentUrl = `http://127.0.0.1:${this.port}`;
    const cli = path.join(this.opts.rootDir, 'node_modules', 'chromadb', 'dist', 'cli.mjs');
    const watchdog = fileURLToPath(new URL('./chroma-watchdog.mjs', import.meta.url));
    const child = spawn(process.execPath, ['--import', watchdog, cli, 'run', '--path', this.opts.dataPath, '--host', '127.0.0.1', '--port', String(this.port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ANONYMIZED_TELEMETRY: 'False', CHROMA_TELEMETRY: 'False', NO_COLOR: '1' },
    });
    this.child = child;
    process.once('exit', this.exitHook);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        this.stderrTail.push(line.slice(0, 300));
        if (this.stderrTail.length > 20) this.stderrTail.shift();
      }
    });
    child.on('exit', (code, signal) => {
      this.opts.log.info({ event: 'chroma.exited', pid: child.pid, code, signal }, 'chroma process exited');
      if (this.child === child && !this.stopped) {
        this.setHealthy(false, 'chroma process exited');
        this.schedule(0);
      }
    });
    this.opts.log.info({ event: 'chroma.spawned', pid: child.pid, port: this.port, path: this.opts.dataPath }, 'chroma started');
  }

  private async killChild(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private async waitHealthy(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stopped && Date.now() < deadline) {
      if (this.opts.mode === 'embedded' && (!this.child || this.child.exitCode !== null)) return false;
      if (await this.heartbeat(500)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  private setHealthy(ok: boolean, reason: string): void {
    if (ok === this.healthy) return;
    this.healthy = ok;
    if (ok) this.emit('up');
    else this.emit('down', reason);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
