import { EngineError } from '../core/errors.ts';
import { pcm16leBytesToInt16 } from './pcm.ts';
import { readWavHeader } from './wav.ts';

/**
 * Reads a WAV byte stream as it arrives (e.g. `espeak-ng --stdout`): waits for the header, checks
 * it with `readWavHeader`, then hands out mono PCM16 samples chunk by chunk. A streamed header's
 * data size is a placeholder, so everything after the `data` chunk header counts as audio.
 */
export class WavStreamReader {
  sampleRate = 0;
  channels = 0;
  private header: Buffer = Buffer.alloc(0);
  private inData = false;
  private carry: Buffer = Buffer.alloc(0);

  get ready(): boolean {
    return this.inData;
  }

  /** Feeds bytes; returns the mono PCM16 samples now complete (possibly empty). */
  push(bytes: Buffer): Int16Array {
    if (!this.inData) {
      this.header = this.header.length === 0 ? bytes : Buffer.concat([this.header, bytes]);
      const start = dataStart(this.header);
      if (start < 0) {
        if (this.header.length > 1 << 16) throw new EngineError('BAD_AUDIO', 'WAV header too long');
        return new Int16Array(0);
      }
      const info = readWavHeader(this.header.subarray(0, start));
      if (info.format !== 'pcm16') throw new EngineError('UNSUPPORTED_MEDIA_TYPE', `streamed WAV must be PCM16, got ${info.format}`);
      this.sampleRate = info.sampleRate;
      this.channels = info.channels;
      this.inData = true;
      bytes = this.header.subarray(start);
      this.header = Buffer.alloc(0);
    }
    const all = this.carry.length > 0 ? Buffer.concat([this.carry, bytes]) : bytes;
    const frameBytes = 2 * this.channels;
    const usable = all.length - (all.length % frameBytes);
    this.carry = Buffer.from(all.subarray(usable));
    const samples = pcm16leBytesToInt16(all.subarray(0, usable));
    if (this.channels === 1) return samples;
    const out = new Int16Array(samples.length / this.channels);
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (let c = 0; c < this.channels; c++) sum += samples[i * this.channels + c] as number;
      out[i] = Math.round(sum / this.channels);
    }
    return out;
  }
}

/** Offset of the first sample byte once the whole header (through the `data` chunk header) is in; else -1. */
function dataStart(h: Buffer): number {
  if (h.length < 12) return -1;
  if (h.toString('ascii', 0, 4) !== 'RIFF' || h.toString('ascii', 8, 12) !== 'WAVE') throw new EngineError('UNSUPPORTED_MEDIA_TYPE', 'not a RIFF/WAVE stream');
  let off = 12;
  while (off + 8 <= h.length) {
    const size = h.readUInt32LE(off + 4);
    if (h.toString('ascii', off, off + 4) === 'data') return off + 8;
    off += 8 + size + (size % 2);
  }
  return -1;
}
