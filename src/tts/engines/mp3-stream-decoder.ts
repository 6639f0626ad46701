import type * as Mpg123 from 'mpg123-decoder';
import type { MPEGDecoder } from 'mpg123-decoder';
import { float32ToInt16, mixToMono } from '../../audio/pcm.ts';
import type { AudioChunk } from '../engine.ts';

type DecoderModule = typeof Mpg123;

let loading: Promise<DecoderModule> | undefined;

/** The WASM module is compiled once per process, on first use (not at daemon import). */
function loadModule(): Promise<DecoderModule> {
  loading ??= import('mpg123-decoder');
  return loading;
}

/**
 * Decodes an MP3 byte stream in process (mpg123 compiled to WASM, from the `mpg123-decoder`
 * package), as the bytes arrive: each `push` returns the PCM16 of the frames completed so far,
 * and a frame cut across two pushes is finished by the next one. No child process.
 */
export class Mp3StreamDecoder {
  private decoded = 0;
  private errors: string[] = [];
  private freed = false;

  private constructor(private readonly decoder: MPEGDecoder) {}

  static async create(): Promise<Mp3StreamDecoder> {
    const { MPEGDecoder } = await loadModule();
    const decoder = new MPEGDecoder();
    await decoder.ready;
    return new Mp3StreamDecoder(decoder);
  }

  /** Feeds the next bytes of the stream; returns the audio they completed, if any. */
  push(bytes: Uint8Array): AudioChunk | undefined {
    if (this.freed) throw new Error('Mp3StreamDecoder used after free()');
    if (bytes.length === 0) return undefined;
    const out = this.decoder.decode(bytes);
    for (const e of out.errors) this.errors.push(e.message);
    if (out.samplesDecoded === 0) return undefined;
    this.decoded += out.samplesDecoded;
    const mono = mixToMono(out.channelData.map((c) => c.subarray(0, out.samplesDecoded)));
    return { pcm: float32ToInt16(mono), sampleRate: out.sampleRate };
  }

  /** Samples decoded so far (per channel). */
  get samples(): number {
    return this.decoded;
  }

  /** Decoder error messages seen so far (mpg123 skips bad frames and goes on). */
  get errorMessages(): readonly string[] {
    return this.errors;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.decoder.free();
  }
}

/**
 * Keeps one decoder ready ahead of use: setting one up costs tens of milliseconds (WASM instance),
 * which would otherwise land on every segment's time to first audio. `take()` hands out the spare
 * and starts the next one in the background; the caller frees what it took.
 */
export class WarmMp3Decoders {
  private spare: Promise<Mp3StreamDecoder> | undefined;
  private disposed = false;

  private makeSpare(): Promise<Mp3StreamDecoder> {
    const next = Mp3StreamDecoder.create();
    next.catch(() => undefined); // reported to whoever takes it
    return next;
  }

  /** Makes sure a spare is being prepared; resolves when it is ready (rejects when the module cannot load). */
  async prime(): Promise<void> {
    this.spare ??= this.makeSpare();
    await this.spare;
  }

  take(): Promise<Mp3StreamDecoder> {
    const taken = this.spare ?? this.makeSpare();
    this.spare = this.disposed ? undefined : this.makeSpare();
    return taken;
  }

  dispose(): void {
    this.disposed = true;
    const spare = this.spare;
    this.spare = undefined;
    void spare?.then((d) => d.free(), () => undefined);
  }
}
