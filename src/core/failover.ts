import { abortError, childController, raceAbort } from './abort.ts';
import { EngineError, toEngineError, type ErrorCode } from './errors.ts';

/**
 * One failover policy for every chain of interchangeable backends (LLM providers, TTS engines).
 * A member that fails `failuresBeforeCooldown` times in a row is skipped for a cooldown; each
 * cooldown in a row doubles the next (up to 16× `cooldownMs`); one success resets it. When every
 * member is cooling down, all are tried anyway (an answer beats certain silence).
 */
export interface FailoverPolicy {
  failuresBeforeCooldown: number;
  cooldownMs: number;
  now?: () => number;
}

export type MemberState = 'unknown' | 'ok' | 'failing' | 'cooling_down';

export interface MemberHealth {
  id: string;
  state: MemberState;
  consecutiveFailures: number;
  /** Cooldowns in a row (each doubles the next). */
  cooldowns: number;
  successes: number;
  failures: number;
  lastError?: { code: ErrorCode; message: string; at: number };
  /** Epoch ms when a cooling member is tried again. */
  cooldownUntil?: number;
  lastUsedAt?: number;
}

export interface FailoverHooks {
  /** After a member's state changes (every failure; a success after none or after failures). */
  onChange?: () => void;
  /** A member failed: `committed` when its output had begun (no fallback); `cooldownMs` when it starts a cooldown. */
  onFailure?: (id: string, error: EngineError, info: { health: Readonly<MemberHealth>; committed: boolean; cooldownMs: number | undefined }) => void;
}

export interface RunOptions<M, T> {
  signal: AbortSignal;
  /** Most ms from the attempt's start to its first committing item (none when undefined). */
  firstTimeoutMs?: (member: M) => number | undefined;
  /** Most ms between items once committed (none when undefined). */
  stallTimeoutMs?: number;
  /** Whether an item commits the attempt: after it, a failure propagates instead of falling back. Default: every item. */
  commits?: (item: T) => boolean;
  /** Called once per attempt when it commits, with ms since the attempt started. */
  onCommit?: (id: string, afterMs: number) => void;
  /** The error for a member that timed out. */
  timeoutError: (id: string, phase: 'first' | 'stall', ms: number) => EngineError;
  /** Code for failures that are not EngineErrors already. */
  errorCode: ErrorCode;
}

export interface FailedAttempt {
  id: string;
  error: EngineError;
}

/** What `run` ends with: a member delivered, or each one tried failed before committing. */
export type FailoverResult = { ok: true; id: string } | { ok: false; attempts: FailedAttempt[] };

/** A failure after the attempt committed: no other member may continue (a reply is never stitched from two). */
export class CommittedFailure extends Error {
  constructor(
    readonly id: string,
    readonly error: EngineError,
  ) {
    super(error.message, { cause: error });
    this.name = 'CommittedFailure';
  }
}

type Step<T> = { kind: 'item'; item: T } | { kind: 'done' } | { kind: 'timeout' };

/** Members in preference order, each with its health, and the one loop that tries them. */
export class Failover<M> {
  private readonly members: Array<{ id: string; member: M; health: MemberHealth }> = [];
  private readonly now: () => number;

  constructor(
    members: ReadonlyArray<{ id: string; member: M }>,
    private readonly policy: FailoverPolicy,
    private readonly hooks: FailoverHooks = {},
  ) {
    this.now = policy.now ?? Date.now;
    this.add(members);
  }

  get size(): number {
    return this.members.length;
  }

  get ids(): string[] {
    return this.members.map((m) => m.id);
  }

  /** Adds members whose ids are new; returns the ones added. */
  add(members: ReadonlyArray<{ id: string; member: M }>): Array<{ id: string; member: M }> {
    const known = new Set(this.ids);
    const added = members.filter((m) => !known.has(m.id));
    for (const m of added) {
      known.add(m.id);
      this.members.push({ ...m, health: { id: m.id, state: 'unknown', consecutiveFailures: 0, cooldowns: 0, successes: 0, failures: 0 } });
    }
    return added;
  }

  /**
   * Puts `next` in the place of member `id` with fresh health; false when `id` is not a member or
   * `next.id` already names another one.
   */
  replace(id: string, next: { id: string; member: M }): boolean {
    const i = this.members.findIndex((m) => m.id === id);
    if (i < 0 || (next.id !== id && this.members.some((m) => m.id === next.id))) return false;
    this.members[i] = { ...next, health: { id: next.id, state: 'unknown', consecutiveFailures: 0, cooldowns: 0, successes: 0, failures: 0 } };
    return true;
  }

  /** Every member in order, cooling or not. */
  all(): Array<{ id: string; member: M }> {
    return this.members.map(({ id, member }) => ({ id, member }));
  }

  member(id: string): M | undefined {
    return this.members.find((m) => m.id === id)?.member;
  }

  /** Copies of every member's health; a cooldown that has run out reads as `failing`. */
  snapshot(): MemberHealth[] {
    const now = this.now();
    return this.members.map(({ health }) => {
      const h = { ...health, ...(health.lastError ? { lastError: { ...health.lastError } } : {}) };
      if (h.state === 'cooling_down' && (h.cooldownUntil ?? 0) <= now) h.state = 'failing';
      return h;
    });
  }

  /** Members to try now, in order: those not cooling down, or all of them when every one is. */
  candidates(): Array<{ id: string; member: M }> {
    const now = this.now();
    const ready = this.members.filter((m) => (m.health.cooldownUntil ?? 0) <= now);
    return (ready.length > 0 ? ready : this.members).map(({ id, member }) => ({ id, member }));
  }

  succeeded(id: string): void {
    const h = this.healthOf(id);
    if (!h) return;
    const changed = h.state !== 'ok';
    h.successes++;
    h.consecutiveFailures = 0;
    h.cooldowns = 0;
    delete h.cooldownUntil;
    h.state = 'ok';
    if (changed) this.hooks.onChange?.();
  }

  failed(id: string, error: EngineError, committed = false): void {
    const h = this.healthOf(id);
    if (!h) return;
    h.failures++;
    h.consecutiveFailures++;
    h.lastError = { code: error.code, message: error.message.slice(0, 300), at: this.now() };
    let cooldownMs: number | undefined;
    if (h.consecutiveFailures >= Math.max(1, this.policy.failuresBeforeCooldown)) {
      cooldownMs = this.policy.cooldownMs * 2 ** Math.min(4, h.cooldowns);
      h.cooldowns++;
      h.cooldownUntil = this.now() + cooldownMs;
      h.state = 'cooling_down';
    } else h.state = 'failing';
    this.hooks.onFailure?.(id, error, { health: h, committed, cooldownMs });
    this.hooks.onChange?.();
  }

  /**
   * Tries `members` in order with `attempt` until one delivers: its items are yielded as they come.
   * A failure or timeout before the attempt commits falls back to the next member; after it, it
   * throws `CommittedFailure`. Aborting `signal` stops at once with the abort error and counts as
   * no member's failure.
   */
  async *run<T>(members: ReadonlyArray<{ id: string; member: M }>, attempt: (member: M, signal: AbortSignal) => AsyncIterable<T>, opts: RunOptions<M, T>): AsyncGenerator<T, FailoverResult> {
    const { signal } = opts;
    const attempts: FailedAttempt[] = [];
    for (const { id, member } of members) {
      if (signal.aborted) throw abortError(signal);
      const h = this.healthOf(id);
      if (h) h.lastUsedAt = this.now();
      const { controller, release } = childController(signal);
      const iterator = attempt(member, controller.signal)[Symbol.asyncIterator]();
      const firstMs = opts.firstTimeoutMs?.(member);
      const started = performance.now();
      let committed = false;
      try {
        for (;;) {
          // Before the commit one deadline runs from the start (items that do not commit do not extend it).
          const ms = committed ? opts.stallTimeoutMs : firstMs === undefined ? undefined : Math.max(0, firstMs - (performance.now() - started));
          const step = await nextWithin(iterator, ms, signal);
          if (step.kind === 'timeout') throw opts.timeoutError(id, committed ? 'stall' : 'first', (committed ? opts.stallTimeoutMs : firstMs) ?? 0);
          if (step.kind === 'done') break;
          if (!committed && (opts.commits?.(step.item) ?? true)) {
            committed = true;
            opts.onCommit?.(id, performance.now() - started);
          }
          yield step.item;
        }
        this.succeeded(id);
        return { ok: true, id };
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        const error = toEngineError(err, opts.errorCode);
        this.failed(id, error, committed);
        if (committed) throw new CommittedFailure(id, error);
        attempts.push({ id, error });
      } finally {
        release();
        if (!controller.signal.aborted) controller.abort(new EngineError('ABORTED', 'attempt finished'));
        void iterator.return?.()?.catch(() => undefined);
      }
    }
    return { ok: false, attempts };
  }

  private healthOf(id: string): MemberHealth | undefined {
    return this.members.find((m) => m.id === id)?.health;
  }
}

/** The iterator's next step, or `timeout` after `ms` (never when undefined); rejects at once when `signal` aborts. */
async function nextWithin<T>(iterator: AsyncIterator<T>, ms: number | undefined, signal: AbortSignal): Promise<Step<T>> {
  if (signal.aborted) throw abortError(signal);
  let timer: NodeJS.Timeout | undefined;
  const next = iterator.next().then((r): Step<T> => (r.done ? { kind: 'done' } : { kind: 'item', item: r.value }));
  const timeout = ms === undefined ? undefined : new Promise<Step<T>>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), ms)));
  try {
    return await raceAbort(timeout ? Promise.race([next, timeout]) : next, signal);
  } finally {
    clearTimeout(timer);
  }
}
