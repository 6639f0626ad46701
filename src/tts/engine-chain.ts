import type { Logger } from 'pino';
import { EngineError } from '../core/errors.ts';
import { CommittedFailure, Failover } from '../core/failover.ts';
import type { AudioChunk, Prosody, TtsEngine } from './engine.ts';
import { LruCache } from './lru-cache.ts';
import { prosodyKey } from './prosody.ts';

export interface ChainEntry {
  engine: TtsEngine;
  voice: string;
}

export interface ChainOptions {
  firstAudioTimeoutMs: number;
  stallTimeoutMs: number;
  failuresBeforeCooldown: number;
  cooldownMs: number;
  cacheEntries: number;
  cacheMaxSeconds: number;
  now?: () => number;
}

export interface ChainChunk {
  engine: string;
  chunk: AudioChunk;
  cached: boolean;
}

export interface EngineHealth {
  voice: string;
  /** Failures in a row. */
  failures: number;
  /** Cooldowns in a row; each one doubles the next (up to 16× `cooldownMs`). */
  cooldowns: number;
  cooldownUntil: number;
  lastError?: string;
  segments: number;
}

interface CachedAudio {
  chunks: AudioChunk[];
}

/**
 * Engines in fallback order. A segment goes to the first healthy engine; a failure or a timeout
 * before its first audio hands the same segment to the next one. Health and cooldowns follow the
 * one failover policy (src/core/failover.ts): `failuresBeforeCooldown` failures in a row skip the
 * engine for `cooldownMs`, doubling while it keeps failing.
 */
export class EngineChain {
  private readonly failover: Failover<ChainEntry>;
  private readonly cache: LruCache<string, CachedAudio>;
  private readonly now: () => number;
  /** The engine that spoke the last segment. */
  live: string | undefined;

  constructor(
    private readonly entries: readonly ChainEntry[],
    private readonly opts: ChainOptions,
    private readonly log: Logger,
    private readonly onChange: () => void = () => undefined,
  ) {
    if (entries.length === 0) throw new EngineError('STAGE_UNAVAILABLE', 'no TTS engine is available');
    this.cache = new LruCache(opts.cacheEntries);
    this.now = opts.now ?? Date.now;
    this.failover = new Failover(
      entries.map((e) => ({ id: e.engine.name, member: e })),
      { failuresBeforeCooldown: opts.failuresBeforeCooldown, cooldownMs: opts.cooldownMs, now: this.now },
      {
        onChange: () => this.onChange(),
        onFailure: (name, error, { health, cooldownMs }) => {
          const err = health.lastError?.message ?? error.message;
          if (cooldownMs !== undefined) this.log.warn({ event: 'tts.engine_cooldown', engine: name, cooldowns: health.cooldowns, cooldown_ms: cooldownMs, err_message: err }, 'TTS engine keeps failing, skipping it for a while');
          else this.log.warn({ event: 'tts.engine_failed', engine: name, failures: health.consecutiveFailures, err_message: err }, 'TTS engine failed, trying the next one');
        },
      },
    );
  }

  get engineNames(): string[] {
    return this.entries.map((e) => e.engine.name);
  }

  get cacheStats(): { entries: number; hits: number; misses: number } {
    return { entries: this.cache.size, hits: this.cache.hits, misses: this.cache.misses };
  }

  snapshot(): Record<string, EngineHealth & { state: 'ok' | 'cooldown' }> {
    const out: Record<string, EngineHealth & { state: 'ok' | 'cooldown' }> = {};
    const now = this.now();
    for (const h of this.failover.snapshot()) {
      const cooldownUntil = h.cooldownUntil ?? 0;
      out[h.id] = {
        voice: this.entries.find((e) => e.engine.name === h.id)?.voice ?? '',
        failures: h.consecutiveFailures,
        cooldowns: h.cooldowns,
        cooldownUntil,
        ...(h.lastError ? { lastError: h.lastError.message } : {}),
        segments: h.successes,
        state: cooldownUntil > now ? 'cooldown' : 'ok',
      };
    }
    return out;
  }

  /** Synthesizes `text` with the first engine that delivers; `only` restricts the chain to one engine (and `voice` overrides its voice). */
  async *synthesize(text: string, prosody: Prosody, signal: AbortSignal, opts: { only?: string; voice?: string } = {}): AsyncGenerator<ChainChunk> {
    const only = opts.only;
    const members = only ? this.failover.all().filter((m) => m.id === only) : this.failover.candidates();
    if (members.length === 0) throw new EngineError('TTS_FAILED', `engine "${only ?? ''}" is not in the chain`);
    const voice = only ? opts.voice : undefined;
    try {
      const result = yield* this.failover.run(members, (entry, attemptSignal) => this.speakWith(voice ? { engine: entry.engine, voice } : entry, text, prosody, attemptSignal), {
        signal,
        firstTimeoutMs: () => this.opts.firstAudioTimeoutMs,
        stallTimeoutMs: this.opts.stallTimeoutMs,
        timeoutError: (name, phase, ms) => new EngineError('TIMEOUT', phase === 'stall' ? `${name} stalled for ${ms} ms` : `${name} gave no audio within ${ms} ms`),
        errorCode: 'TTS_FAILED',
      });
      if (result.ok) {
        if (this.live !== result.id) {
          this.live = result.id;
          this.onChange();
        }
        return;
      }
      const errors = result.attempts.map((a) => `${a.id}: ${a.error.message}`);
      throw new EngineError('TTS_FAILED', `every TTS engine failed: ${errors.join('; ')}`, { details: { errors } });
    } catch (err) {
      // Audio already went out: another engine would repeat the words, so the segment ends here.
      if (err instanceof CommittedFailure) throw new EngineError('TTS_FAILED', `${err.id} failed mid-segment: ${err.error.message}`, { cause: err.error, details: { engine: err.id, partial: true } });
      throw err;
    }
  }

  /** One engine's audio for `text`: from the cache, or synthesized (empty chunks skipped) and cached when short enough. */
  private async *speakWith(entry: ChainEntry, text: string, prosody: Prosody, signal: AbortSignal): AsyncGenerator<ChainChunk> {
    const name = entry.engine.name;
    const key = `${name}\u0000${entry.voice}\u0000${prosodyKey(prosody)}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit) {
      for (const chunk of hit.chunks) yield { engine: name, chunk, cached: true };
      return;
    }
    const chunks: AudioChunk[] = [];
    let samples = 0;
    let cacheable = this.opts.cacheEntries > 0;
    for await (const chunk of entry.engine.synthesize(text, entry.voice, prosody, signal)) {
      if (chunk.pcm.length === 0) continue;
      if (cacheable) {
        chunks.push(chunk);
        samples += chunk.pcm.length;
        if (samples / chunk.sampleRate > this.opts.cacheMaxSeconds) cacheable = false;
      } else if (chunks.length === 0) chunks.push(chunk);
      yield { engine: name, chunk, cached: false };
    }
    if (chunks.length === 0) throw new EngineError('TTS_FAILED', `${name} produced no audio`);
    if (cacheable) this.cache.set(key, { chunks });
  }
}
