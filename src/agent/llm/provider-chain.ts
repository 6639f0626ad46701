import type { Logger } from 'pino';
import { EngineError, toEngineError, type ErrorCode } from '../../core/errors.ts';
import { CommittedFailure, Failover, type FailoverResult, type MemberHealth } from '../../core/failover.ts';
import type { LlmChunk, LlmProvider, LlmRequest } from './llm-types.ts';

/**
 * Ordered LLM providers with automatic fallback. A provider that is unreachable, errors, or stays
 * silent past its first-token timeout BEFORE its first token is left for the next one. Once a
 * provider has produced text or a tool call, its errors propagate (the agent turns them into a
 * spoken apology): a reply is never stitched from two models. Reasoning chunks do not commit, since
 * nothing of them is spoken. Health and cooldowns follow the one failover policy (src/core/failover.ts):
 * `failuresBeforeCooldown` failures in a row start a cooldown of `cooldownMs`, doubling while the
 * provider keeps failing; when every provider is cooling down, they are all tried anyway.
 */
export interface ChainEntry {
  provider: LlmProvider;
  /** The chain's own limit for the first text/tool call of this provider (covers providers without one). */
  firstTokenTimeoutMs?: number;
}

export interface ProviderChainOptions {
  failuresBeforeCooldown?: number;
  cooldownMs?: number;
  /** Providers configured but not usable (model file missing...), shown in the snapshot. */
  unavailable?: Array<{ id: string; reason: string }>;
  log?: Logger;
  /** Called after every change of a provider's health (for status displays). */
  onChange?: (snapshot: ChainSnapshot) => void;
  /** Finds more providers (local servers) when none answered; new ids are added to the chain's end. */
  discover?: () => Promise<ChainEntry[]>;
  now?: () => number;
}

export type ProviderState = 'unknown' | 'ok' | 'failing' | 'cooling_down' | 'unavailable';

export interface ProviderHealth {
  id: string;
  state: ProviderState;
  consecutiveFailures: number;
  successes: number;
  failures: number;
  /** Time to the first text/tool call of the last successful reply, ms. */
  lastLatencyMs?: number;
  lastError?: { code: ErrorCode; message: string; at: number };
  /** Epoch ms when a cooling provider is tried again. */
  cooldownUntil?: number;
  lastUsedAt?: number;
  /** Why an unavailable provider is not in the chain. */
  detail?: string;
}

export interface ChainSnapshot {
  /** The provider that answered last. */
  active?: string;
  providers: ProviderHealth[];
}

/** The failover state of a provider, as /admin/status shows it. */
function toHealth(h: MemberHealth, latency: Map<string, number>): ProviderHealth {
  const { cooldowns: _c, ...rest } = h;
  const ms = latency.get(h.id);
  return { ...rest, ...(ms !== undefined ? { lastLatencyMs: ms } : {}) };
}

export class ProviderChain implements LlmProvider {
  readonly id = 'chain';
  supportsTools: boolean;
  private readonly failover: Failover<ChainEntry>;
  private readonly unavailable: ProviderHealth[];
  private readonly latency = new Map<string, number>();
  private active: string | undefined;
  /** Replaced providers: a reply may still stream from one, so they are disposed with the chain. */
  private readonly retired: ChainEntry[] = [];

  constructor(
    entries: ChainEntry[],
    private readonly opts: ProviderChainOptions = {},
  ) {
    this.failover = new Failover(
      entries.map((e) => ({ id: e.provider.id, member: e })),
      { failuresBeforeCooldown: opts.failuresBeforeCooldown ?? 2, cooldownMs: opts.cooldownMs ?? 30_000, ...(opts.now ? { now: opts.now } : {}) },
      {
        onChange: () => opts.onChange?.(this.snapshot()),
        onFailure: (id, error, { committed, cooldownMs }) => {
          if (committed) opts.log?.warn({ event: 'llm.stream_failed', provider: id, code: error.code }, 'LLM stream failed after the first token');
          else opts.log?.warn({ event: 'llm.fallback', provider: id, code: error.code, err: error.message }, 'LLM provider failed before the first token, trying the next');
          if (cooldownMs !== undefined) opts.log?.warn({ event: 'llm.cooldown', provider: id, ms: cooldownMs, code: error.code }, 'LLM provider keeps failing, skipping it for a while');
        },
      },
    );
    this.unavailable = (opts.unavailable ?? []).map((u) => ({ id: u.id, state: 'unavailable', consecutiveFailures: 0, successes: 0, failures: 0, detail: u.reason }));
    this.supportsTools = entries.some((e) => e.provider.supportsTools);
  }

  get size(): number {
    return this.failover.size;
  }

  snapshot(): ChainSnapshot {
    const providers = this.failover.snapshot().map((h) => toHealth(h, this.latency));
    return { ...(this.active ? { active: this.active } : {}), providers: [...providers, ...this.unavailable.map((u) => ({ ...u }))] };
  }

  async *stream(request: LlmRequest): AsyncGenerator<LlmChunk> {
    try {
      const first = yield* this.tryEach(this.failover.candidates(), request);
      if (first.ok) return;
      const found = await this.discoverMore();
      const second = found.length > 0 ? yield* this.tryEach(found, request) : { ok: false as const, attempts: [] };
      if (second.ok) return;
      const attempts = [...first.attempts, ...second.attempts].map((a) => ({ id: a.id, code: a.error.code, message: a.error.message }));
      if (attempts.length === 0) throw new EngineError('LLM_FAILED', 'no LLM provider is configured and available', { details: { unavailable: this.unavailable.map((u) => u.id) } });
      const summary = attempts.map((a) => `${a.id}: ${a.code}`).join(', ');
      throw new EngineError('LLM_FAILED', `every LLM provider failed (${summary})`, { details: { attempts } });
    } catch (err) {
      if (request.signal.aborted) throw new EngineError('ABORTED', 'LLM request aborted', { cause: err });
      if (err instanceof CommittedFailure) throw err.error;
      throw err;
    }
  }

  /** Adds providers whose ids are new; returns the added entries. */
  add(entries: ChainEntry[]): Array<{ id: string; member: ChainEntry }> {
    const added = this.failover.add(entries.map((e) => ({ id: e.provider.id, member: e })));
    if (added.length === 0) return [];
    if (added.some((a) => a.member.provider.supportsTools)) this.supportsTools = true;
    this.opts.onChange?.(this.snapshot());
    return added;
  }

  /**
   * Puts `entry` in the place of provider `id` (from the next turn on; a reply under way finishes on
   * the old one, which is then disposed). False when `id` is not in the chain or `entry`'s id is taken.
   */
  replace(id: string, entry: ChainEntry): boolean {
    const old = this.failover.member(id);
    if (!old || !this.failover.replace(id, { id: entry.provider.id, member: entry })) return false;
    this.latency.delete(id);
    this.supportsTools = this.failover.all().some((e) => e.member.provider.supportsTools);
    this.retired.push(old);
    this.opts.onChange?.(this.snapshot());
    return true;
  }

  /** Runs the discovery hook (if any) and adds what it found. */
  async discoverMore(): Promise<Array<{ id: string; member: ChainEntry }>> {
    if (!this.opts.discover) return [];
    try {
      return this.add(await this.opts.discover());
    } catch (err) {
      this.opts.log?.warn({ event: 'llm.discovery_failed', err: String(err) }, 'local LLM server discovery failed');
      return [];
    }
  }

  /**
   * Tries providers in order. Before a provider's first text or tool call (reasoning does not
   * count) a failure or its first-token timeout falls back to the next; after it, errors propagate.
   */
  private async *tryEach(members: ReadonlyArray<{ id: string; member: ChainEntry }>, request: LlmRequest): AsyncGenerator<LlmChunk, FailoverResult> {
    const result = yield* this.failover.run(members, (entry, signal) => entry.provider.stream({ ...request, signal, ...(entry.provider.supportsTools ? {} : { tools: [] }) }), {
      signal: request.signal,
      firstTimeoutMs: (entry) => entry.firstTokenTimeoutMs,
      commits: (chunk) => chunk.type !== 'reasoning',
      onCommit: (id, ms) => this.latency.set(id, Math.round(ms)),
      timeoutError: (id, _phase, ms) => new EngineError('TIMEOUT', `${id}: no first token within ${ms} ms`, { details: { provider: id, phase: 'first-token' } }),
      errorCode: 'UPSTREAM_ERROR',
    });
    if (result.ok && this.active !== result.id) {
      this.active = result.id;
      this.opts.onChange?.(this.snapshot());
    }
    return result;
  }

  /** Loads local models ahead of the first turn; failures only mark the provider. */
  async warmup(): Promise<void> {
    await Promise.all(
      this.failover.all().map(async ({ id, member }) => {
        if (!member.provider.warmup) return;
        try {
          await member.provider.warmup();
        } catch (err) {
          this.failover.failed(id, toEngineError(err, 'STAGE_UNAVAILABLE'));
        }
      }),
    );
  }

  async dispose(): Promise<void> {
    const entries = [...this.retired, ...this.failover.all().map((a) => a.member)].reverse();
    for (const entry of entries) {
      try {
        await entry.provider.dispose?.();
      } catch (err) {
        this.opts.log?.warn({ event: 'llm.dispose_failed', provider: entry.provider.id, err: String(err) }, 'LLM provider failed to dispose');
      }
    }
  }
}
