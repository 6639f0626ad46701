import { type ChildProcess, spawn } from 'node:child_process';
import { WavStreamReader } from '../../audio/wav-stream.ts';
import { EngineError } from '../../core/errors.ts';
import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../engine.ts';
import { abortError } from '../abort.ts';
import { findExecutable } from './executables.ts';

const BASE_WPM = 175;
/** Warm processes kept ready for the latest voice/prosody (one per segment that may run at once). */
const SPARES = 2;

/** An espeak-ng process with its listeners attached from the start, so nothing it does is missed. */
interface EspeakProcess {
  child: ChildProcess;
  error?: Error;
  stderr: string;
  exited: Promise<number | null>;
}

function start(command: string, args: readonly string[]): EspeakProcess {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const p: EspeakProcess = { child, stderr: '', exited: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
  child.on('error', (err) => (p.error = err));
  child.stdin?.on('error', () => undefined);
  child.stderr?.on('data', (d: Buffer) => {
    if (p.stderr.length < 500) p.stderr += d.toString('utf8');
  });
  return p;
}

function alive(p: EspeakProcess): boolean {
  return p.child.pid !== undefined && p.error === undefined && p.child.exitCode === null && p.child.signalCode === null;
}

/** Lets an idle spare not hold the process open (or put it back to normal when it is used). */
function setRef(p: EspeakProcess, ref: boolean): void {
  for (const h of [p.child, p.child.stdin, p.child.stdout, p.child.stderr] as Array<{ ref?: () => void; unref?: () => void } | null>) {
    if (ref) h?.ref?.();
    else h?.unref?.();
  }
}

/**
 * espeak-ng through the Debian CLI: always available offline, used as the last fallback. The WAV
 * it writes to stdout is parsed as it streams. Starting espeak-ng and loading a voice costs most
 * of its latency, so a couple of processes for the current voice wait ready on stdin; a segment
 * takes one and only pays for the synthesis itself.
 */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak';
  private sparesKey = '';
  private spares: EspeakProcess[] = [];
  private disposed = false;

  constructor(private readonly command: string = 'espeak-ng') {}

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
    this.refill(this.args(voice, prosody));
  }

  dispose(): void {
    this.disposed = true;
    this.dropSpares();
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
    for (const p of this.spares) p.child.kill('SIGKILL');
    this.spares = [];
  }

  private refill(args: string[]): void {
    if (this.disposed) return;
    const key = args.join('\u0000');
    if (key !== this.sparesKey) {
      this.dropSpares();
      this.sparesKey = key;
    }
    this.spares = this.spares.filter(alive);
    while (this.spares.length < SPARES) {
      const p = start(this.command, args);
      setRef(p, false);
      this.spares.push(p);
    }
  }

  private take(args: string[]): EspeakProcess {
    let p: EspeakProcess | undefined;
    if (args.join('\u0000') === this.sparesKey) {
      while ((p = this.spares.shift()) && !alive(p)) p.child.kill('SIGKILL');
    }
    if (p) setRef(p, true);
    // The replacement starts after this segment's process is under way, off its critical path.
    setImmediate(() => this.refill(args));
    return p ?? start(this.command, args);
  }

  async *synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk> {
    if (signal.aborted) throw abortError(signal);
    const proc = this.take(this.args(voice, prosody));
    const { child } = proc;
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // Text goes through stdin so a segment starting with "-" is never read as an option.
    child.stdin?.end(text.replace(/\s+/g, ' '));
    const reader = new WavStreamReader();
    try {
      if (!child.stdout) throw new EngineError('TTS_FAILED', 'espeak-ng has no stdout');
      for await (const buf of child.stdout as AsyncIterable<Buffer>) {
        if (signal.aborted) break;
        const pcm = reader.push(buf);
        if (pcm.length > 0) yield { pcm, sampleRate: reader.sampleRate };
      }
      const code = await proc.exited;
      if (signal.aborted) throw abortError(signal);
      if (proc.error) throw new EngineError('TTS_FAILED', `espeak-ng could not start: ${proc.error.message}`, { cause: proc.error });
      if (code !== 0) throw new EngineError('TTS_FAILED', `espeak-ng exited with code ${code}: ${proc.stderr.trim().slice(0, 200)}`);
      if (!reader.ready) throw new EngineError('TTS_FAILED', 'espeak-ng wrote no audio');
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}
