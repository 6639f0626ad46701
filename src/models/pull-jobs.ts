import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { pullModel, type PullEvent } from './model-install.ts';
import { findModel, type ModelEntry, type ModelRegistry } from './model-registry.ts';
import { profileEntries } from './profile-pull.ts';

export type PullTarget = { profile: string } | { model: string };

export interface FileProgress {
  model: string;
  file: string;
  state: 'waiting' | 'checking' | 'downloading' | 'done' | 'failed';
  received: number;
  total: number | null;
  rate_bps: number;
  eta_s: number | null;
  error?: string;
}

export interface PullJobSnapshot {
  id: number;
  target: PullTarget;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  started_at: string;
  ended_at?: string;
  /** One row per model, and per file once it starts. */
  files: FileProgress[];
  error?: string;
}

/** What subscribers (the SSE route) receive. */
export type PullJobEvent = { type: 'progress'; job: number; file: FileProgress } | { type: 'end'; job: PullJobSnapshot };

/** `out` for the text progress the CLI prints; the panel gets the structured events instead. */
const discard = (): NodeJS.WritableStream => new Writable({ write: (_c, _e, cb) => cb() });

/**
 * Runs one pull at a time for the admin panel (a profile or a single model) and fans its progress out
 * to subscribers: per file bytes, rate and ETA, throttled to `intervalMs`, and a final event naming
 * any error. `dispose()` aborts a running pull (the part file stays, so the next pull resumes).
 */
export class PullJobs {
  private job: PullJobSnapshot | undefined;
  private abort: AbortController | undefined;
  private nextId = 1;
  private readonly listeners = new Set<(e: PullJobEvent) => void>();
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly opts: { modelsDir: string; registry: () => ModelRegistry; log: Logger; intervalMs?: number; idleTimeoutMs?: number },
  ) {}

  current(): PullJobSnapshot | undefined {
    return this.job;
  }

  get running(): boolean {
    return this.job?.state === 'running';
  }

  subscribe(fn: (e: PullJobEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts a pull; throws when one is running or the target is unknown (message names it). */
  start(target: PullTarget): PullJobSnapshot {
    if (this.running) throw new Error(`a pull is already running (${describe((this.job as PullJobSnapshot).target)})`);
    const registry = this.opts.registry();
    const entries = entriesOf(registry, target);
    const job: PullJobSnapshot = {
      id: this.nextId++,
      target,
      state: 'running',
      started_at: new Date().toISOString(),
      files: entries.map((e) => ({ model: e.name, file: '', state: 'waiting', received: 0, total: null, rate_bps: 0, eta_s: null })),
    };
    this.job = job;
    this.lastSent.clear();
    const abort = new AbortController();
    this.abort = abort;
    this.opts.log.info({ event: 'models.pull_started', job: job.id, target }, 'model pull started');
    const options = {
      modelsDir: this.opts.modelsDir,
      out: discard(),
      signal: abort.signal,
      onEvent: (e: PullEvent) => this.onEvent(job, e),
      ...(this.opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.opts.idleTimeoutMs } : {}),
    };
    // The models one after another, as pullProfile does, without its text summary (no one reads it here).
    const run = (async () => {
      for (const entry of entries) await pullModel(entry, options);
    })();
    void run.then(
      () => this.finish(job, 'done'),
      (err: unknown) => this.finish(job, abort.signal.aborted ? 'cancelled' : 'failed', err instanceof Error ? err.message : String(err)),
    );
    return job;
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.abort?.abort();
    return true;
  }

  dispose(): void {
    this.cancel();
    this.listeners.clear();
  }

  private row(job: PullJobSnapshot, model: string, file: string): FileProgress {
    const exact = job.files.find((f) => f.model === model && f.file === file);
    if (exact) return exact;
    // The model's placeholder row takes its first file's name; later files get rows of their own.
    const placeholder = job.files.find((f) => f.model === model && f.file === '');
    if (placeholder) {
      placeholder.file = file;
      return placeholder;
    }
    const row: FileProgress = { model, file, state: 'waiting', received: 0, total: null, rate_bps: 0, eta_s: null };
    const after = job.files.map((f) => f.model).lastIndexOf(model);
    job.files.splice(after + 1, 0, row);
    return row;
  }

  private onEvent(job: PullJobSnapshot, e: PullEvent): void {
    if (e.type === 'model-done') {
      for (const f of job.files.filter((r) => r.model === e.model && r.state !== 'done')) {
        f.state = 'done';
        if (e.alreadyInstalled) f.file ||= 'already installed';
        this.emit({ type: 'progress', job: job.id, file: { ...f } });
      }
      return;
    }
    const row = this.row(job, e.model, e.file);
    if (e.type === 'file-start') row.state = 'checking';
    else if (e.type === 'progress') {
      row.state = 'downloading';
      row.received = e.received;
      row.total = e.total ?? null;
      row.rate_bps = Math.round(e.rateBps);
      row.eta_s = e.etaS === undefined ? null : Math.round(e.etaS * 10) / 10;
      const key = `${e.model}/${e.file}`;
      const now = Date.now();
      const last = this.lastSent.get(key) ?? 0;
      if (now - last < (this.opts.intervalMs ?? 250) && e.received !== e.total) return;
      this.lastSent.set(key, now);
    } else {
      row.state = 'done';
      row.received = e.bytes;
      row.total = e.bytes;
      row.eta_s = 0;
    }
    this.emit({ type: 'progress', job: job.id, file: { ...row } });
  }

  private finish(job: PullJobSnapshot, state: PullJobSnapshot['state'], error?: string): void {
    job.state = state;
    job.ended_at = new Date().toISOString();
    if (error) {
      job.error = error;
      const failing = job.files.find((f) => f.state === 'checking' || f.state === 'downloading') ?? job.files.find((f) => f.state === 'waiting');
      if (failing) {
        failing.state = 'failed';
        failing.error = error;
      }
      this.opts.log.warn({ event: 'models.pull_failed', job: job.id, target: job.target, state, error }, 'model pull failed');
    } else {
      this.opts.log.info({ event: 'models.pull_done', job: job.id, target: job.target }, 'model pull done');
    }
    this.emit({ type: 'end', job: structuredClone(job) });
  }

  private emit(e: PullJobEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        this.opts.log.warn({ event: 'models.pull_listener_failed', err }, 'pull progress listener threw');
      }
    }
  }
}

function describe(target: PullTarget): string {
  return 'profile' in target ? `profile ${target.profile}` : target.model;
}

function entriesOf(registry: ModelRegistry, target: PullTarget): ModelEntry[] {
  if ('profile' in target) return profileEntries(registry, target.profile);
  const entry = findModel(registry, target.model);
  if (!entry) throw new Error(`unknown model ${target.model}`);
  return [entry];
}
