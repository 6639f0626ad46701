import { spawn } from 'node:child_process';
import type * as MsEdge from 'msedge-tts';
import { EngineError } from '../../core/errors.ts';
import { abortError, raceAbort } from '../abort.ts';
import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../engine.ts';
import { percent } from '../prosody.ts';
import { findExecutable, splitCommand } from './executables.ts';
import { PcmBytes } from './pcm-bytes.ts';

type EdgeClientModule = typeof MsEdge;

const SAMPLE_RATE = 24_000;

/** Default Edge neural voices by language (primary subtag or full tag). */
const EDGE_VOICES: Readonly<Record<string, string>> = {
  en: 'en-US-AvaNeural',
  'en-us': 'en-US-AvaNeural',
  'en-gb': 'en-GB-SoniaNeural',
  ru: 'ru-RU-SvetlanaNeural',
  de: 'de-DE-KatjaNeural',
  fr: 'fr-FR-DeniseNeural',
  es: 'es-ES-ElviraNeural',
  it: 'it-IT-ElsaNeural',
  ja: 'ja-JP-NanamiNeural',
  ko: 'ko-KR-SunHiNeural',
  zh: 'zh-CN-XiaoxiaoNeural',
  pt: 'pt-BR-FranciscaNeural',
  uk: 'uk-UA-PolinaNeural',
  pl: 'pl-PL-ZofiaNeural',
};

const DECODERS: ReadonlyArray<{ args: string[] }> = [
  { args: ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-f', 'mp3', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(SAMPLE_RATE), 'pipe:1'] },
  { args: ['mpg123', '-q', '-s', '-m', '-r', String(SAMPLE_RATE), '-'] },
];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Microsoft Edge's online neural voices through msedge-tts. The service only serves MP3 (other
 * formats are refused), so the stream is decoded to PCM16 by ffmpeg or mpg123 as it arrives.
 * Offline it fails within milliseconds (ENOTFOUND); a network that drops packets is caught by the
 * chain's first-audio timeout.
 */
export class EdgeEngine implements TtsEngine {
  readonly name = 'edge';
  private decoder: string[] | undefined;
  private client: Promise<EdgeClientModule> | undefined;

  /** `decoder`: `auto`, or a command line that reads MP3 on stdin and writes s16le 24 kHz mono to stdout. */
  constructor(private readonly decoderSetting: string = 'auto') {}

  /** msedge-tts pulls in axios and friends: load it after start-up, not on every daemon import. */
  private loadClient(): Promise<EdgeClientModule> {
    this.client ??= import('msedge-tts');
    return this.client;
  }

  async probe(): Promise<EngineAvailability> {
    const ok = await this.findDecoder();
    // Warm the client in the background so the first segment does not pay for the import.
    if (ok.ok) void this.loadClient().catch(() => undefined);
    return ok;
  }

  private async findDecoder(): Promise<EngineAvailability> {
    if (this.decoderSetting !== 'auto') {
      const cmd = splitCommand(this.decoderSetting);
      if (!findExecutable(cmd[0])) return { ok: false, detail: `MP3 decoder "${cmd[0]}" not found` };
      this.decoder = cmd;
      return { ok: true, detail: `decoder ${cmd[0]}` };
    }
    for (const d of DECODERS) {
      if (findExecutable(d.args[0] as string)) {
        this.decoder = d.args;
        return { ok: true, detail: `decoder ${d.args[0]}` };
      }
    }
    return { ok: false, detail: 'no MP3 decoder for the Edge voice: install ffmpeg or mpg123' };
  }

  defaultVoice(language: string): string {
    const tag = language.toLowerCase();
    return EDGE_VOICES[tag] ?? EDGE_VOICES[tag.split('-')[0] ?? ''] ?? 'en-US-AvaNeural';
  }

  async *synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk> {
    const decoderArgs = this.decoder;
    if (!decoderArgs) throw new EngineError('STAGE_UNAVAILABLE', 'edge engine used before probe()');
    if (signal.aborted) throw abortError(signal);
    const { MsEdgeTTS, OUTPUT_FORMAT } = await this.loadClient();
    const tts = new MsEdgeTTS();
    const closeTts = (): void => {
      try {
        tts.close();
      } catch {
        // socket never opened
      }
    };
    signal.addEventListener('abort', closeTts, { once: true });
    let decoder: ReturnType<typeof spawn> | undefined;
    try {
      try {
        await raceAbort(tts.setMetadata(voice, OUTPUT_FORMAT.AUDIO_24KHZ_48KBITRATE_MONO_MP3), signal);
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        throw new EngineError('UPSTREAM_UNREACHABLE', `edge: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      const { audioStream } = tts.toStream(escapeXml(text), { rate: percent(prosody.rate), pitch: percent(prosody.pitch), volume: percent(prosody.volume) });
      const [cmd, ...args] = decoderArgs as [string, ...string[]];
      const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
      decoder = child;
      let upstreamError: Error | undefined;
      let decoderError: Error | undefined;
      child.on('error', (err) => (decoderError = err));
      child.stdin.on('error', () => undefined);
      audioStream.on('error', (err: Error) => {
        upstreamError = err;
        child.stdin.end();
      });
      audioStream.pipe(child.stdin);
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const bytes = new PcmBytes();
      for await (const buf of child.stdout as AsyncIterable<Buffer>) {
        if (signal.aborted) break;
        const pcm = bytes.push(buf);
        if (pcm.length > 0) yield { pcm, sampleRate: SAMPLE_RATE };
      }
      const code = await exited;
      if (signal.aborted) throw abortError(signal);
      if (upstreamError) throw new EngineError('UPSTREAM_ERROR', `edge: ${upstreamError.message}`, { cause: upstreamError });
      if (decoderError || code !== 0) throw new EngineError('TTS_FAILED', `edge: MP3 decoder failed (${decoderError?.message ?? `exit ${code}`})`);
    } finally {
      signal.removeEventListener('abort', closeTts);
      closeTts();
      if (decoder && decoder.exitCode === null && decoder.signalCode === null) decoder.kill('SIGKILL');
    }
  }
}
