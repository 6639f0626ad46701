import { spawn } from 'node:child_process';
import { WavStreamReader } from '../../audio/wav-stream.ts';
import { EngineError } from '../../core/errors.ts';
import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../engine.ts';
import { abortError } from '../abort.ts';
import { findExecutable } from './executables.ts';

const BASE_WPM = 175;

/**
 * espeak-ng through the Debian CLI: always available offline, used as the last fallback. The
 * WAV it writes to stdout is parsed as it streams, so the first audio leaves within milliseconds.
 */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak';

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

  async *synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk> {
    if (signal.aborted) throw abortError(signal);
    const args = [
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
    // Text goes through stdin so a segment starting with "-" is never read as an option.
    const child = spawn(this.command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let spawnError: Error | undefined;
    let stderr = '';
    child.on('error', (err) => (spawnError = err));
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 500) stderr += d.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdin.on('error', () => undefined);
    child.stdin.end(text.replace(/\s+/g, ' '));
    const reader = new WavStreamReader();
    try {
      for await (const buf of child.stdout as AsyncIterable<Buffer>) {
        if (signal.aborted) break;
        const pcm = reader.push(buf);
        if (pcm.length > 0) yield { pcm, sampleRate: reader.sampleRate };
      }
      const code = await exited;
      if (signal.aborted) throw abortError(signal);
      if (spawnError) throw new EngineError('TTS_FAILED', `espeak-ng could not start: ${spawnError.message}`, { cause: spawnError });
      if (code !== 0) throw new EngineError('TTS_FAILED', `espeak-ng exited with code ${code}: ${stderr.trim().slice(0, 200)}`);
      if (!reader.ready) throw new EngineError('TTS_FAILED', 'espeak-ng wrote no audio');
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}
