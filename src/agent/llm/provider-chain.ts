import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { EngineError, toEngineError, type ErrorCode } from '../../core/errors.ts';
import type { LlmChunk, LlmProvider, LlmRequest } from './llm-types.ts';

/**
 * Ordered LLM providers with automatic fallback. A provider that is unreachable, errors, or stays
 * silent past its first-token timeout BEFORE its first token is left for the next one. Once a
 * provider has produced text or a tool call, its errors propagate (the agent turns them into a
 * spoken apology): a reply is never stitched from two models. Reasoning chunks do not commit, since
 * nothing of them is spoken. A provider that fails `failuresBeforeCooldown` times in a row is skipped
 * for `cooldownMs`; when every provider is cooling down, they are all tried anyway.
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

interface Slot extends ChainEntry {
  health: ProviderHealth;
}

export class ProviderChain implements LlmProvider {
  readonly id = 'chain';
  supportsTools: boolean;
  private readonly slots: Slot[];
  private readonly unavailable: ProviderHealth[];
  private readonly failuresBeforeCooldown: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private active: string | undefined;

  constructor(
    entries: ChainEntry[],
    private readonly opts: ProviderChainOptions = {},
  ) {
    this.slots = entries.map((e) => ({ ...e, health: { id: e.provider.id, state: 'unknown', consecutiveFailures: 0, successes: 0, failures: 0 } }));
    this.unavailable = (opts.unavailable ?? []).map((u) => ({ id: u.id, state: 'unavailable', consecutiveFailures: 0, successes: 0, failures: 0, detail: u.reason }));
    this.supportsTools = entries.some((e) => e.provider.supportsTools);
    this.failuresBeforeCooldown = Math.max(1, opts.failuresBeforeCooldown ?? 2);
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.slots.length;
  }

  snapshot(): ChainSnapshot {
    const now = this.now();
    const providers = this.slots.map((s) => {
      const h = { ...s.health };
      if (h.state === 'cooling_down' && (h.cooldownUntil ?? 0) <= now) h.state = 'failing';
      if (h.lastError) h.lastError = { ...h.lastError };
      return h;
    });
    return { ...(this.active ? { active: this.active } : {}), providers: [...providers, ...this.unavailable.map((u) => ({ ...u }))] };
  }

  async *stream(request: LlmRequest): AsyncGenerator<LlmChunk> {
    const attempts: Array<{ id: string; code: ErrorCode; message: string }> = [];
    for (const slot of this.order()) {
      if (request.signal.aborted) throw new EngineError('ABORTED', 'LLM request aborted');
      const result = yield* this.attempt(slot, request);
      if (result.ok) return;
      attempts.push({ id: slot.provider.id, code: result.error.code, message: result.error.message });
    }
    for (const slot of await this.discoverMore()) {
      if (request.signal.aborted) throw new EngineError('ABORTED', 'LLM request aborted');
      const result = yield* this.attempt(slot, request);
      if (result.ok) return;
      attempts.push({ id: slot.provider.id, code: result.error.code, message: result.error.message });
    }
    if (attempts.length === 0) throw new EngineError('LLM_FAILED', 'no LLM provider is configured and available', { details: { unavailable: this.unavailable.map((u) => u.id) } });
    const summary = attempts.map((a) => `${a.id}: ${a.code}`).join(', ');
    throw new EngineError('LLM_FAILED', `every LLM provider failed (${summary})`, { details: { attempts } });
  }

  /** Adds providers whose ids are new; returns the added slots. */
  add(entries: ChainEntry[]): Slot[] {
    const known = new Set(this.slots.map((s) => s.provider.id));
    const added = entries.filter((e) => !known.has(e.provider.id)).map((e) => ({ ...e, health: { id: e.provider.id, state: 'unknown' as const, consecutiveFailures: 0, successes: 0, failures: 0 } }));
    if (added.length === 0) return [];
    this.slots.push(...added);
    if (added.some((s) => s.provider.supportsTools)) this.supportsTools = true;
    this.opts.onChange?.(this.snapshot());
    return added;
  }

  /** Runs the discovery hook (if any) and adds what it found. */
  async discoverMore(): Promise<Slot[]> {
    if (!this.opts.discover) return [];
    try {
      return this.add(await this.opts.discover());
    } catch (err) {
      this.opts.log?.warn({ event: 'llm.discovery_failed', err: String(err) }, 'local LLM server discovery failed');
      return [];
    }
  }

  /** Runs one provider. Returns `{ ok: false }` to fall back; throws when the failure must propagate. */
  private async *attempt(slot: Slot, request: LlmRequest): AsyncGenerator<LlmChunk, { ok: true } | { ok: false; error: EngineError }> {
    const { provider } = slot;
    const ctrl = new AbortController();
    const onAbort = (): void => ctrl.abort(request.signal.reason);
    request.signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer =
      slot.firstTokenTimeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            ctrl.abort();
          }, slot.firstTokenTimeoutMs)
        : undefined;
    const started = performance.now();
    let committed = false;
    slot.health.lastUsedAt = this.now();
    const sub: LlmRequest = { ...request, signal: ctrl.signal, ...(provider.supportsTools ? {} : { tools: [] }) };
    try {
      for await (const chunk of provider.stream(sub)) {
        if (!committed && chunk.type !== 'reasoning') {
          committed = true;
          clearTimeout(timer);
          slot.health.lastLatencyMs = Math.round(performance.now() - started);
        }
        yield chunk;
      }
      this.succeeded(slot);
      return { ok: true };
    } catch (err) {
      if (request.signal.aborted) throw new EngineError('ABORTED', 'LLM request aborted', { cause: err, details: { provider: provider.id } });
      const error = timedOut
        ? new EngineError('TIMEOUT', `${provider.id}: no first token within ${slot.firstTokenTimeoutMs} ms`, { cause: err, details: { provider: provider.id, phase: 'first-token' } })
        : toEngineError(err, 'UPSTREAM_ERROR');
      this.failed(slot, error);
      if (committed) {
        this.opts.log?.warn({ event: 'llm.stream_failed', provider: provider.id, code: error.code }, 'LLM stream failed after the first token');
        throw error;
      }
      this.opts.log?.warn({ event: 'llm.fallback', provider: provider.id, code: error.code, err: error.message }, 'LLM provider failed before the first token, trying the next');
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Providers to try, in configured order; cooling ones are skipped unless all are cooling. */
  private order(): Slot[] {
    const now = this.now();
    const ready = this.slots.filter((s) => s.health.cooldownUntil === undefined || s.health.cooldownUntil <= now);
    return ready.length > 0 ? ready : [...this.slots];
  }

  private succeeded(slot: Slot): void {
    const h = slot.health;
    h.successes++;
    h.consecutiveFailures = 0;
    delete h.cooldownUntil;
    const changed = h.state !== 'ok' || this.active !== h.id;
    h.state = 'ok';
    this.active = h.id;
    if (changed) this.opts.onChange?.(this.snapshot());
  }

  private failed(slot: Slot, error: EngineError): void {
    const h = slot.health;
    h.failures++;
    h.consecutiveFailures++;
    h.lastError = { code: error.code, message: error.message.slice(0, 300), at: this.now() };
    if (h.consecutiveFailures >= this.failuresBeforeCooldown) {
      h.state = 'cooling_down';
      h.cooldownUntil = this.now() + this.cooldownMs;
      this.opts.log?.warn({ event: 'llm.cooldown', provider: h.id, ms: this.cooldownMs, failures: h.consecutiveFailures }, 'LLM provider keeps failing, skipping it for a while');
    } else h.state = 'failing';
    this.opts.onChange?.(this.snapshot());
  }

  /** Loads local models ahead of the first turn; failures only mark the provider. */
  async warmup(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        if (!slot.provider.warmup) return;
        try {
          await slot.provider.warmup();
        } catch (err) {
          this.failed(slot, toEngineError(err, 'STAGE_UNAVAILABLE'));
        }
      }),
    );
  }

  async dispose(): Promise<void> {
    for (const slot of [...this.slots].reverse()) {
      try {
        await slot.provider.dispose?.();
      } catch (err) {
        this.opts.log?.warn({ event: 'llm.dispose_failed', provider: slot.provider.id, err: String(err) }, 'LLM provider failed to dispose');
      }
    }
  }
}
