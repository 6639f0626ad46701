import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../../src/tts/engine.ts';

/** What a scripted engine does for one call: fail at once, hang, or speak with delays. */
export type Script =
  | { kind: 'throw'; afterMs?: number; message?: string }
  | { kind: 'hang' }
  | { kind: 'speak'; firstMs?: number; chunks?: number; chunkMs?: number; gapMs?: number; failAfterChunks?: number };

export interface ScriptedCall {
  text: string;
  voice: string;
  prosody: Prosody;
  aborted: boolean;
}

const RATE = 16_000;

/**
 * A test TTS engine with scripted timing. Its audio is a tone whose amplitude encodes the text's
 * segment marker (`#<n>` at the end of the text → amplitude 100·(n+1)), so a test can tell which
 * segment a chunk belongs to from the bytes alone.
 */
export class ScriptedEngine implements TtsEngine {
  readonly calls: ScriptedCall[] = [];

  constructor(
    readonly name: string,
    private readonly script: (text: string, call: number) => Script,
  ) {}

  async probe(): Promise<EngineAvailability> {
    return { ok: true };
  }

  defaultVoice(): string {
    return `${this.name}-voice`;
  }

  async *synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk> {
    const call: ScriptedCall = { text, voice, prosody, aborted: false };
    this.calls.push(call);
    signal.addEventListener('abort', () => (call.aborted = true), { once: true });
    const s = this.script(text, this.calls.length - 1);
    if (s.kind === 'throw') {
      if (s.afterMs) await sleep(s.afterMs, signal);
      throw new Error(s.message ?? `${this.name} scripted failure`);
    }
    if (s.kind === 'hang') {
      await sleep(3_600_000, signal);
      return;
    }
    const amplitude = markerAmplitude(text);
    await sleep(s.firstMs ?? 0, signal);
    const chunks = s.chunks ?? 3;
    for (let i = 0; i < chunks; i++) {
      if (s.failAfterChunks !== undefined && i >= s.failAfterChunks) throw new Error(`${this.name} failed mid-stream`);
      if (i > 0) await sleep(s.gapMs ?? 0, signal);
      yield { pcm: tone(amplitude, s.chunkMs ?? 100), sampleRate: RATE };
    }
  }
}

export function markerAmplitude(text: string): number {
  const m = /#(\d+)\s*$/.exec(text);
  return m ? 100 * (Number(m[1]) + 1) : 1000;
}

/** A square wave of the given amplitude (so every sample's magnitude is `amplitude`). */
export function tone(amplitude: number, ms: number): Int16Array {
  const n = Math.round((RATE * ms) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(i / 20) % 2 === 0 ? amplitude : -amplitude;
  return out;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    if (ms <= 0) return resolve();
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      const e = new Error('aborted');
      e.name = 'AbortError';
      reject(e);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
