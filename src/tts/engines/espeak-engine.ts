import { WavStreamReader } from '../../audio/wav-stream.ts';
import { EngineError } from '../../core/errors.ts';
import type { RemoteProcess } from '../../spawner/remote-process.ts';
import { SpawnerClient } from '../../spawner/spawner-client.ts';
import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../engine.ts';
import { abortError } from '../../core/abort.ts';
import { findExecutable } from './executables.ts';

const BASE_WPM = 175;
/** Warm processes kept ready for the latest voice/prosody (one per segment that may run at once). */
const SPARES = 2;
/**
 * espeak-ng runs at lower CPU priority: on a loaded machine the daemon's event loop (websocket
 * audio, VAD) wins the CPU over synthesis, which runs far faster than real time anyway.
 */
const ESPEAK_NICE = 10;

/**
 * espeak-ng through the Debian CLI: always available offline, used as the last fallback. The WAV
 * it writes to stdout is parsed as it streams. Starting espeak-ng and loading a voice costs most
 * of its latency, so a couple of processes for the current voice wait ready on stdin; a segment
 * takes one and only pays for the synthesis itself. Processes are started by the spawner helper
 * (src/spawner/), so the daemon never forks itself on the speech path.
 */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak';
  /** Arguments (voice, prosody) of the latest segment or prepare: the spares are started with these. */
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

  /** Starts the warm processes for `voice` at `prosody` ahead of the first segment. */
  prepare(voice: string, prosody: Prosody): void {
    this.want(this.args(voice, prosody));
    this.refill();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.dropSpares();
    await this.spawner.dispose();
  }

  private args(voice: string, prosody: Prosody): string[] {
    return [
      '--stdout',
      '-v',
      voice,
      '-s',
      String(Math.round(BASE_WPM * prosody.rate)),
      '-p',
      String(Math.min(99, Math.max(0, Math.round(50 * prosody.pitch)))),
      '-a',
      String(Math.min(200, Math.max(0, Math.round(100 * prosody.volume)))),
    ];
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
    const proc = this.take(this.args(voice, prosody));
    const onAbort = (): void => proc.kill();
    signal.addEventListener('abort', onAbort, { once: true });
    // Text goes through stdin so a segment starting with "-" is never read as an option.
    proc.write(text.replace(/\s+/g, ' '), true);
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
      // The replacement starts once this segment is synthesized, for the latest voice and prosody:
      // started at once, its fork stalled the helper that relays this segment's audio and its voice
      // loading took the CPU from it (first audio 14–26 ms instead of 3–10 ms).
      this.refill();
    }
  }
}
