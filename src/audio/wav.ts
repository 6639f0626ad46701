import { EngineError } from '../core/errors.ts';
import { float32ToInt16 } from './pcm.ts';

/** The sample encodings we read and write: PCM 16-bit and IEEE float 32-bit. */
export type WavSampleFormat = 'pcm16' | 'float32';

export interface WavInfo {
  format: WavSampleFormat;
  sampleRate: number;
  channels: number;
  /** Samples per channel. */
  frames: number;
  /** Byte offset and length of the sample data inside the buffer. */
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

export interface DecodedWav extends WavInfo {
  /** One Float32Array per channel, samples in [-1, 1]. */
  channelData: Float32Array[];
}

export interface WavParseOptions {
  /** Largest sample rate accepted (default 192 kHz). */
  maxSampleRate?: number;
  /** Most channels accepted (default 2). */
  maxChannels?: number;
  /** The whole file's size when `buf` is only its beginning (a body still arriving). */
  totalBytes?: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Streaming writers (e.g. `espeak-ng --stdout`) put a huge or zero placeholder in the size fields. */
const isPlaceholderSize = (n: number): boolean => n === 0 || n >= 0x7fff0000;

/** True when the buffer starts like a RIFF/WAVE file. */
export function looksLikeWav(buf: Uint8Array): boolean {
  return buf.length >= 12 && ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 4) === 'WAVE';
}

/**
 * Reads and validates a WAV header. Errors are EngineErrors: UNSUPPORTED_MEDIA_TYPE (415) when the
 * bytes are not RIFF/WAVE or hold an encoding we do not read, BAD_AUDIO (400) when the header is
 * corrupt. A data chunk whose size field is a streaming placeholder runs to the end of the buffer.
 */
export function readWavHeader(buf: Uint8Array, opts: WavParseOptions = {}): WavInfo {
  if (!looksLikeWav(buf)) throw new EngineError('UNSUPPORTED_MEDIA_TYPE', 'not a WAV file: expected a RIFF/WAVE header');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const maxRate = opts.maxSampleRate ?? 192_000;
  const maxChannels = opts.maxChannels ?? 2;
  let fmt: { tag: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = ascii(buf, at, 4);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > buf.length) throw new EngineError('BAD_AUDIO', `WAV fmt chunk is truncated (${size} bytes)`);
      let tag = view.getUint16(body, true);
      const bits = view.getUint16(body + 14, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) throw new EngineError('BAD_AUDIO', 'WAV extensible fmt chunk is truncated');
        tag = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = { tag, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bits };
    } else if (id === 'data') {
      if (!fmt) throw new EngineError('BAD_AUDIO', 'WAV data chunk comes before the fmt chunk');
      const format = sampleFormat(fmt.tag, fmt.bits);
      const bytesPerSample = format === 'pcm16' ? 2 : 4;
      if (fmt.channels < 1) throw new EngineError('BAD_AUDIO', 'WAV header says 0 channels');
      if (fmt.channels > maxChannels) throw new EngineError('UNSUPPORTED_MEDIA_TYPE', `WAV has ${fmt.channels} channels; at most ${maxChannels} are supported`);
      if (fmt.sampleRate < 1000 || fmt.sampleRate > maxRate) throw new EngineError('BAD_AUDIO', `WAV sample rate ${fmt.sampleRate} Hz is out of range (1000..${maxRate})`);
      if (fmt.blockAlign !== bytesPerSample * fmt.channels) {
        throw new EngineError('BAD_AUDIO', `WAV block align ${fmt.blockAlign} does not match ${fmt.channels} channel(s) of ${fmt.bits}-bit samples`);
      }
      const available = Math.max(buf.length, opts.totalBytes ?? 0) - body;
      let dataBytes: number;
      if (isPlaceholderSize(size)) dataBytes = available;
      else if (size > available) throw new EngineError('BAD_AUDIO', `WAV data chunk says ${size} bytes but only ${available} follow`);
      else dataBytes = size;
      dataBytes -= dataBytes % fmt.blockAlign;
      const frames = dataBytes / fmt.blockAlign;
      return { format, sampleRate: fmt.sampleRate, channels: fmt.channels, frames, dataOffset: body, dataBytes, durationMs: (frames * 1000) / fmt.sampleRate };
    }
    if (isPlaceholderSize(size) && id !== 'fmt ') break;
    at = body + size + (size % 2); // chunks are word-aligned
  }
  if (!fmt) throw new EngineError('BAD_AUDIO', 'WAV has no fmt chunk');
  throw new EngineError('BAD_AUDIO', 'WAV has no data chunk');
}

/**
 * True when `buf`, the beginning of a WAV file, reaches past the data chunk's header, so that
 * `readWavHeader(buf, { totalBytes })` can judge the file before the rest has arrived. False while
 * more bytes are needed (or the bytes are not RIFF/WAVE: readWavHeader then says why).
 */
export function wavHeaderArrived(buf: Uint8Array): boolean {
  if (buf.length < 12) return false;
  if (!looksLikeWav(buf)) return true;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let at = 12; at + 8 <= buf.length; ) {
    const size = view.getUint32(at + 4, true);
    if (ascii(buf, at, 4) === 'data' || isPlaceholderSize(size)) return true;
    at += 8 + size + (size % 2);
  }
  return false;
}

/** Parses a whole WAV file into per-channel float samples. */
export function decodeWav(buf: Uint8Array, opts: WavParseOptions = {}): DecodedWav {
  const info = readWavHeader(buf, opts);
  const view = new DataView(buf.buffer, buf.byteOffset + info.dataOffset, info.dataBytes);
  const channelData = Array.from({ length: info.channels }, () => new Float32Array(info.frames));
  const step = info.format === 'pcm16' ? 2 : 4;
  let offset = 0;
  for (let i = 0; i < info.frames; i++) {
    for (let c = 0; c < info.channels; c++) {
      const v = info.format === 'pcm16' ? view.getInt16(offset, true) / 32768 : view.getFloat32(offset, true);
      (channelData[c] as Float32Array)[i] = Number.isFinite(v) ? v : 0;
      offset += step;
    }
  }
  return { ...info, channelData };
}

export interface WavEncodeInput {
  sampleRate: number;
  /** One array per channel; the shortest sets the length. */
  channelData: readonly Float32Array[];
  format?: WavSampleFormat;
}

/** Writes a canonical 44-byte-header WAV (PCM16 by default, or float32). */
export function encodeWav(input: WavEncodeInput): Buffer {
  const format = input.format ?? 'pcm16';
  const channels = input.channelData.length;
  if (channels < 1) throw new RangeError('encodeWav needs at least one channel');
  const frames = Math.min(...input.channelData.map((c) => c.length));
  const bytesPerSample = format === 'pcm16' ? 2 : 4;
  const blockAlign = bytesPerSample * channels;
  const dataBytes = frames * blockAlign;
  const buf = Buffer.alloc(44 + dataBytes);
  writeHeader(buf, { format, sampleRate: input.sampleRate, channels, dataBytes });
  const ints = format === 'pcm16' ? input.channelData.map((c) => float32ToInt16(c.subarray(0, frames))) : undefined;
  let offset = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      if (ints) buf.writeInt16LE((ints[c] as Int16Array)[i] as number, offset);
      else buf.writeFloatLE((input.channelData[c] as Float32Array)[i] as number, offset);
      offset += bytesPerSample;
    }
  }
  return buf;
}

/** Mono PCM16 samples to a WAV file. */
export function encodeWavPcm16(pcm: Int16Array, sampleRate: number): Buffer {
  const out = Buffer.alloc(44 + pcm.length * 2);
  writeHeader(out, { format: 'pcm16', sampleRate, channels: 1, dataBytes: pcm.length * 2 });
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] as number, 44 + i * 2);
  return out;
}

function writeHeader(buf: Buffer, h: { format: WavSampleFormat; sampleRate: number; channels: number; dataBytes: number }): void {
  const bytesPerSample = h.format === 'pcm16' ? 2 : 4;
  const blockAlign = bytesPerSample * h.channels;
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + h.dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(h.format === 'pcm16' ? WAVE_FORMAT_PCM : WAVE_FORMAT_IEEE_FLOAT, 20);
  buf.writeUInt16LE(h.channels, 22);
  buf.writeUInt32LE(h.sampleRate, 24);
  buf.writeUInt32LE(h.sampleRate * blockAlign, 28);
  buf.writeUInt16LE(blockAlign, 32);
  buf.writeUInt16LE(bytesPerSample * 8, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(h.dataBytes, 40);
}

function sampleFormat(tag: number, bits: number): WavSampleFormat {
  if (tag === WAVE_FORMAT_PCM && bits === 16) return 'pcm16';
  if (tag === WAVE_FORMAT_IEEE_FLOAT && bits === 32) return 'float32';
  const name = tag === WAVE_FORMAT_PCM ? `${bits}-bit PCM` : tag === WAVE_FORMAT_IEEE_FLOAT ? `${bits}-bit float` : `format tag 0x${tag.toString(16)}`;
  throw new EngineError('UNSUPPORTED_MEDIA_TYPE', `WAV encoding ${name} is not supported: use 16-bit PCM or 32-bit float`);
}

function ascii(buf: Uint8Array, at: number, len: number): string {
  let s = '';
  for (let i = at; i < at + len && i < buf.length; i++) s += String.fromCharCode(buf[i] as number);
  return s;
}
