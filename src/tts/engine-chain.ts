import type { Logger } from 'pino';
import { EngineError } from '../core/errors.ts';
import { abortError } from './abort.ts';
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

type Step = { kind: 'chunk'; chunk: AudioChunk } | { kind: 'done' } | { kind: 'timeout' };

/**
 * Engines in fallback order. A segment goes to the first healthy engine; a failure or a timeout
 * before its first audio hands the same segment to the next one. An engine that fails
 * `failuresBeforeCooldown` times in a row is skipped for `cooldownMs`, then tried again.
 */
export class EngineChain {
  private readonly health = new Map<string, EngineHealth>();
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
    for (const e of entries) this.health.set(e.engine.name, { voice: e.voice, failures: 0, cooldowns: 0, cooldownUntil: 0, segments: 0 });
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
    for (const [name, h] of this.health) out[name] = { ...h, state: h.cooldownUntil > now ? 'cooldown' : 'ok' };
    return out;
  }

  /** Synthesizes `text` with the first engine that delivers; `only` restricts the chain to one engine (and `voice` overrides its voice). */
  async *synthesize(text: string, prosody: Prosody, signal: AbortSignal, opts: { only?: string; voice?: string } = {}): AsyncGenerator<ChainChunk> {
    const only = opts.only;
    const now = this.now();
    let candidates = this.entries.filter((e) => (only ? e.engine.name === only : (this.health.get(e.engine.name)?.cooldownUntil ?? 0) <= now));
    // Every engine cooling down: trying one beats certain silence.
    if (candidates.length === 0 && !only) candidates = [...this.entries];
    if (candidates.length === 0) throw new EngineError('TTS_FAILED', `engine "${only ?? ''}" is not in the chain`);
    const errors: string[] = [];
    for (const candidate of candidates) {
      if (signal.aborted) throw abortError(signal);
      const entry = opts.voice && only ? { engine: candidate.engine, voice: opts.voice } : candidate;
      const name = entry.engine.name;
      const key = `${name}\u0000${entry.voice}\u0000${prosodyKey(prosody)}\u0000${text}`;
      const hit = this.cache.get(key);
      if (hit) {
        for (const chunk of hit.chunks) yield { engine: name, chunk, cached: true };
        this.succeeded(name);
        return;
      }
      const attempt = new AbortController();
      const onAbort = (): void => attempt.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const iterator = entry.engine.synthesize(text, entry.voice, prosody, attempt.signal)[Symbol.asyncIterator]();
      const chunks: AudioChunk[] = [];
      let samples = 0;
      let sampleRate = 0;
      let cacheable = this.opts.cacheEntries > 0;
      try {
        for (;;) {
          const started = chunks.length > 0;
          const step = await nextWithin(iterator, started ? this.opts.stallTimeoutMs : this.opts.firstAudioTimeoutMs, signal);
          if (step.kind === 'timeout') {
            throw new EngineError('TIMEOUT', started ? `${name} stalled for ${this.opts.stallTimeoutMs} ms` : `${name} gave no audio within ${this.opts.firstAudioTimeoutMs} ms`);
          }
          if (step.kind === 'done') break;
          if (step.chunk.pcm.length === 0) continue;
          if (cacheable) {
            chunks.push(step.chunk);
            samples += step.chunk.pcm.length;
            sampleRate = step.chunk.sampleRate;
            if (samples / sampleRate > this.opts.cacheMaxSeconds) cacheable = false;
          } else if (chunks.length === 0) chunks.push(step.chunk);
          yield { engine: name, chunk: step.chunk, cached: false };
        }
        if (chunks.length === 0) throw new EngineError('TTS_FAILED', `${name} produced no audio`);
        if (cacheable) this.cache.set(key, { chunks });
        this.succeeded(name);
        return;
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        const message = err instanceof Error ? err.message : String(err);
        this.failed(name, message);
        // Audio already went out: another engine would repeat the words, so the segment ends here.
        if (chunks.length > 0) throw new EngineError('TTS_FAILED', `${name} failed mid-segment: ${message}`, { cause: err, details: { engine: name, partial: true } });
        errors.push(`${name}: ${message}`);
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (!attempt.signal.aborted) attempt.abort(new EngineError('ABORTED', 'synthesis attempt finished'));
        void iterator.return?.()?.catch(() => undefined);
      }
    }
    throw new EngineError('TTS_FAILED', `every TTS engine failed: ${errors.join('; ')}`, { details: { errors } });
  }

  private succeeded(name: string): void {
    const h = this.health.get(name);
    if (!h) return;
    const changed = this.live !== name || h.failures > 0 || h.cooldownUntil > 0;
    h.failures = 0;
    h.cooldowns = 0;
    h.cooldownUntil = 0;
    h.segments++;
    this.live = name;
    if (changed) this.onChange();
  }

  private failed(name: string, message: string): void {
    const h = this.health.get(name);
    if (!h) return;
    h.failures++;
    h.lastError = message.slice(0, 300);
    if (h.failures >= this.opts.failuresBeforeCooldown) {
      const ms = this.opts.cooldownMs * 2 ** Math.min(4, h.cooldowns);
      h.cooldowns++;
      h.cooldownUntil = this.now() + ms;
      this.log.warn({ event: 'tts.engine_cooldown', engine: name, cooldowns: h.cooldowns, cooldown_ms: ms, err_message: h.lastError }, 'TTS engine keeps failing, skipping it for a while');
    } else {
      this.log.warn({ event: 'tts.engine_failed', engine: name, failures: h.failures, err_message: h.lastError }, 'TTS engine failed, trying the next one');
    }
    this.onChange();
  }
}

/** The iterator's next step, or `timeout` after `ms`; rejects at once when `signal` aborts. */
function nextWithin(iterator: AsyncIterator<AudioChunk>, ms: number, signal: AbortSignal): Promise<Step> {
  return new Promise<Step>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    const cleanup = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve({ kind: 'timeout' });
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (r) => {
        cleanup();
        resolve(r.done ? { kind: 'done' } : { kind: 'chunk', chunk: r.value });
      },
      (err: unknown) => {
        cleanup();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
