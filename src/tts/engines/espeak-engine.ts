import { WavStreamReader } from '../../audio/wav-stream.ts';
import { EngineError } from '../../core/errors.ts';
import type { RemoteProcess } from '../../spawner/remote-process.ts';
import { SpawnerClient } from '../../spawner/spawner-client.ts';
import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../engine.ts';
import { abortError } from '../../core/abort.ts';
import { findExecutable } from './executables.ts';

/** Warm processes kept ready for the latest voice (one per segment that may run at once). */
const SPARES = 2;
/**
 * espeak-ng runs at lower CPU priority: on a loaded machine the daemon's event loop (websocket
 * audio, VAD) wins the CPU over synthesis, which runs far faster than real time anyway.
 */
const ESPEAK_NICE = 10;

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const signed = (n: number): string => `${n >= 0 ? '+' : ''}${n}`;

/**
 * The segment as SSML with its prosody (espeak-ng `-m`): prosody travels with the text, so one warm
 * process per voice serves every emotion's rate, pitch and volume.
 */
export function espeakSsml(text: string, prosody: Prosody): string {
  const body = text.replace(/\s+/g, ' ').replace(/[&<>"]/g, (c) => XML_ESCAPES[c] ?? c);
  const rate = Math.round(100 * clamp(prosody.rate, 0.3, 3));
  const pitch = Math.round(100 * clamp(prosody.pitch - 1, -0.9, 1));
  const volume = Math.round(100 * clamp(prosody.volume, 0, 2));
  return `<speak><prosody rate="${rate}%" pitch="${signed(pitch)}%" volume="${volume}%">${body}</prosody></speak>`;
}

/**
 * espeak-ng through the Debian CLI: always available offline, used as the last fallback. The WAV
 * it writes to stdout is parsed as it streams. Starting espeak-ng and loading a voice costs most
 * of its latency, so a couple of processes for the current voice wait ready on stdin; a segment
 * takes one and only pays for the synthesis itself. Prosody goes in the segment's SSML, not in the
 * arguments, so a segment with an emotion's prosody finds a warm process too. Processes are started
 * by the spawner helper (src/spawner/), so the daemon never forks itself on the speech path.
 */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak';
  /** Arguments (the voice) of the latest segment or prepare: the spares are started with these. */
  private sparesArgs: string[] = [];
  private spares: RemoteProcess[] = [];
  private disposed = false;
  private readonly spawner = new SpawnerClient({ nice: ESPEAK_NICE });

  constructor(private readonly command: string = 'espeak-ng') {}

  /** The spawner helper's pid while it runs (tests). */
  get helperPid(): number | undefined {
    return this.spawner.helperPid;
  }

  async probe(): Promise<EngineAvailability> {
    const found = findExecutable(this.command);
    if (found) return { ok: true, detail: found };
    return { ok: false, detail: `${this.command} not found; install espeak-ng` };
  }

  defaultVoice(language: string): string {
    const tag = language.toLowerCase();
    if (tag === 'en') return 'en-us';
    if (tag === 'en-us' || tag === 'en-gb') return tag;
    return tag.split('-')[0] ?? 'en';
  }

  /** Starts the warm processes for `voice` ahead of the first segment (any prosody can use them). */
  prepare(voice: string): void {
    this.want(this.args(voice));
    this.refill();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.dropSpares();
    await this.spawner.dispose();
  }

  private args(voice: string): string[] {
    return ['--stdout', '-m', '-v', voice];
  }

  private dropSpares(): void {
    for (const p of this.spares) p.kill();
    this.spares = [];
  }

  /** Makes `args` the spares' arguments; spares started with others are dropped. */
  private want(args: string[]): void {
    if (args.join('\u0000') === this.sparesArgs.join('\u0000')) return;
    this.dropSpares();
    this.sparesArgs = args;
  }

  private refill(): void {
    if (this.disposed) return;
    this.spares = this.spares.filter((p) => p.alive);
    while (this.spares.length < SPARES) this.spares.push(this.spawner.spawn(this.command, this.sparesArgs, { ref: false }));
  }

  private take(args: string[]): RemoteProcess {
    this.want(args);
    let p: RemoteProcess | undefined;
    while ((p = this.spares.shift()) && !p.alive) p.kill();
    if (p) p.ref();
    return p ?? this.spawner.spawn(this.command, args);
  }

  async *synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk> {
    if (signal.aborted) throw abortError(signal);
    const proc = this.take(this.args(voice));
    const onAbort = (): void => proc.kill();
    signal.addEventListener('abort', onAbort, { once: true });
    // Text goes through stdin so a segment starting with "-" is never read as an option.
    proc.write(espeakSsml(text, prosody), true);
    const reader = new WavStreamReader();
    try {
      for await (const buf of proc.stdout()) {
        if (signal.aborted) break;
        const pcm = reader.push(buf);
        if (pcm.length > 0) yield { pcm, sampleRate: reader.sampleRate };
      }
      const exit = await proc.exited;
      if (signal.aborted) throw abortError(signal);
      if (proc.error) throw new EngineError('TTS_FAILED', `espeak-ng could not run: ${proc.error.message}`, { cause: proc.error });
      if (exit.code !== 0) throw new EngineError('TTS_FAILED', `espeak-ng exited with code ${exit.code}: ${proc.stderr.trim().slice(0, 200)}`);
      if (!reader.ready) throw new EngineError('TTS_FAILED', 'espeak-ng wrote no audio');
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (proc.alive) proc.kill();
      proc.unref();
      // The replacement starts once this segment is synthesized, for the latest voice:
      // started at once, its fork stalled the helper that relays this segment's audio and its voice
      // loading took the CPU from it (first audio 14–26 ms instead of 3–10 ms).
      this.refill();
    }
  }
}
