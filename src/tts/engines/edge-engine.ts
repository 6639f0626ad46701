import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type * as MsEdge from 'msedge-tts';
import { EngineError } from '../../core/errors.ts';
import { abortError, raceAbort } from '../../core/abort.ts';
import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../engine.ts';
import { percent } from '../prosody.ts';
import { findExecutable, splitCommand } from './executables.ts';
import { WarmMp3Decoders, type Mp3StreamDecoder } from './mp3-stream-decoder.ts';
import { PcmBytes } from './pcm-bytes.ts';

type EdgeClientModule = typeof MsEdge;

const SAMPLE_RATE = 24_000;
/** The MP3 decoder is prepared this long after probe(), off the daemon's start-up path. */
const WARM_DELAY_MS = 3000;
/** About 0.7 s of Edge's 48 kbit/s MP3. */
const MP3_PIECE_BYTES = 4096;

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

/** Short names for external decoders; any other value of `decoder` is a command line. */
const NAMED_DECODERS: Readonly<Record<string, string[]>> = {
  ffmpeg: ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-f', 'mp3', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(SAMPLE_RATE), 'pipe:1'],
  mpg123: ['mpg123', '-q', '-s', '-m', '-r', String(SAMPLE_RATE), '-'],
};

/** Where msedge-tts connects. Overridable (like VTUBER_HF_ENDPOINT) so tests can use a local fake of the service. */
export function edgeEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.VTUBER_EDGE_TTS_URL;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Microsoft Edge's online neural voices through msedge-tts. The service only serves MP3 (other
 * formats are refused), so the stream is decoded to PCM16 as it arrives: in process by mpg123
 * compiled to WASM (default), or by an external ffmpeg/mpg123 when the config names one.
 * Offline it fails within milliseconds (ENOTFOUND); a network that drops packets is caught by the
 * chain's first-audio timeout.
 */
export class EdgeEngine implements TtsEngine {
  readonly name = 'edge';
  /** undefined until probe(); `in-process` or the external command line. */
  private decoder: 'in-process' | string[] | undefined;
  private client: Promise<EdgeClientModule> | undefined;
  private readonly mp3Decoders = new WarmMp3Decoders();
  private warmTimer: NodeJS.Timeout | undefined;

  /**
   * `decoder`: `auto` (in-process WASM), `ffmpeg`, `mpg123`, or a command line that reads MP3 on
   * stdin and writes s16le 24 kHz mono to stdout. `endpoint`: the service's websocket URL.
   */
  constructor(
    private readonly decoderSetting: string = 'auto',
    private readonly endpoint: string | undefined = edgeEndpoint(),
  ) {}

  /** msedge-tts pulls in axios and friends: load it after start-up, not on every daemon import. */
  private loadClient(): Promise<EdgeClientModule> {
    this.client ??= import('msedge-tts').then((mod) => {
      // NOTE: msedge-tts reads its service URL from a static field and has no option for it;
      // remove this when it takes one in its constructor.
      if (this.endpoint) Reflect.set(mod.MsEdgeTTS, 'WSS_URL', this.endpoint);
      return mod;
    });
    return this.client;
  }

  async probe(): Promise<EngineAvailability> {
    const ok = await this.findDecoder();
    // Warm the client in the background so the first segment does not pay for the import.
    if (ok.ok) void this.loadClient().catch(() => undefined);
    return ok;
  }

  private async findDecoder(): Promise<EngineAvailability> {
    if (this.decoderSetting === 'auto') {
      // The decoder is a package dependency: prepare it in the background a little after start-up, so
      // the daemon's own start does not pay ~0.5 s of CPU for the WASM (a segment before then makes
      // its own). Should it fail to load, the first segment fails with the reason and the next engine speaks.
      this.warmTimer ??= setTimeout(() => void this.mp3Decoders.prime().catch(() => undefined), WARM_DELAY_MS);
      this.warmTimer.unref();
      this.decoder = 'in-process';
      return { ok: true, detail: 'decoder in-process (mpg123 WASM)' };
    }
    const cmd: [string, ...string[]] = (NAMED_DECODERS[this.decoderSetting] as [string, ...string[]] | undefined) ?? splitCommand(this.decoderSetting);
    if (!findExecutable(cmd[0])) return { ok: false, detail: `MP3 decoder "${cmd[0]}" not found (tts.edge.decoder: auto decodes in process)` };
    this.decoder = cmd;
    return { ok: true, detail: `decoder ${cmd[0]}` };
  }

  defaultVoice(language: string): string {
    const tag = language.toLowerCase();
    return EDGE_VOICES[tag] ?? EDGE_VOICES[tag.split('-')[0] ?? ''] ?? 'en-US-AvaNeural';
  }

  async *synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk> {
    const decoder = this.decoder;
    if (!decoder) throw new EngineError('STAGE_UNAVAILABLE', 'edge engine used before probe()');
    if (signal.aborted) throw abortError(signal);
    // Taken before connecting, so a decoder is ready by the time the first MP3 bytes arrive.
    let mp3: Promise<Mp3StreamDecoder> | undefined = decoder === 'in-process' ? this.mp3Decoders.take() : undefined;
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
    try {
      try {
        await raceAbort(tts.setMetadata(voice, OUTPUT_FORMAT.AUDIO_24KHZ_48KBITRATE_MONO_MP3), signal);
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        throw new EngineError('UPSTREAM_UNREACHABLE', `edge: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      const { audioStream } = tts.toStream(escapeXml(text), { rate: percent(prosody.rate), pitch: percent(prosody.pitch), volume: percent(prosody.volume) });
      if (mp3) {
        const handed = mp3;
        mp3 = undefined;
        yield* decodeInProcess(audioStream, handed, signal);
      } else if (decoder !== 'in-process') yield* decodeWithCommand(audioStream, decoder, signal);
    } finally {
      signal.removeEventListener('abort', closeTts);
      closeTts();
      // Not handed to the decoding loop (the connection failed first): free it here.
      void mp3?.then((d) => d.free(), () => undefined);
    }
  }

  dispose(): void {
    clearTimeout(this.warmTimer);
    this.mp3Decoders.dispose();
  }
}

/** MP3 from the service, decoded chunk by chunk as it arrives. */
async function* decodeInProcess(audioStream: Readable, decoder: Promise<Mp3StreamDecoder>, signal: AbortSignal): AsyncIterable<AudioChunk> {
  let mp3: Mp3StreamDecoder;
  try {
    mp3 = await decoder;
  } catch (err) {
    throw new EngineError('TTS_FAILED', `edge: the in-process MP3 decoder did not load: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    try {
      for await (const buf of audioStream as AsyncIterable<Buffer>) {
        // A burst read at once is decoded in pieces, so audio keeps flowing in bounded chunks.
        for (let off = 0; off < buf.length && !signal.aborted; off += MP3_PIECE_BYTES) {
          const chunk = mp3.push(buf.subarray(off, off + MP3_PIECE_BYTES));
          if (chunk) yield chunk;
        }
        if (signal.aborted) break;
      }
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      throw new EngineError('UPSTREAM_ERROR', `edge: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (signal.aborted) throw abortError(signal);
    if (mp3.samples === 0) {
      const why = mp3.errorMessages[0] ?? 'the service sent no audio';
      throw new EngineError('TTS_FAILED', `edge: no audio decoded from the MP3 stream (${why})`);
    }
  } finally {
    mp3.free();
  }
}

/** MP3 piped through an external decoder (ffmpeg or mpg123) that writes s16le 24 kHz mono. */
async function* decodeWithCommand(audioStream: Readable, command: string[], signal: AbortSignal): AsyncIterable<AudioChunk> {
  const [cmd, ...args] = command as [string, ...string[]];
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  try {
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
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
