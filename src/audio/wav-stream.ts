/**
 * Reads a WAV byte stream as it arrives (e.g. `espeak-ng --stdout`): parses the RIFF header from
 * the first bytes, then hands out PCM16 samples chunk by chunk. The data size in a streamed header
 * is a placeholder, so everything after the `data` chunk header counts as audio.
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
      const start = this.parseHeader();
      if (start < 0) return new Int16Array(0);
      bytes = this.header.subarray(start);
      this.header = Buffer.alloc(0);
    }
    const all = this.carry.length > 0 ? Buffer.concat([this.carry, bytes]) : bytes;
    const frameBytes = 2 * this.channels;
    const usable = all.length - (all.length % frameBytes);
    this.carry = Buffer.from(all.subarray(usable));
    const frames = usable / frameBytes;
    const out = new Int16Array(frames);
    for (let i = 0; i < frames; i++) {
      if (this.channels === 1) out[i] = all.readInt16LE(i * 2);
      else {
        let sum = 0;
        for (let c = 0; c < this.channels; c++) sum += all.readInt16LE(i * frameBytes + c * 2);
        out[i] = Math.round(sum / this.channels);
      }
    }
    return out;
  }

  /** Offset of the first PCM byte in `this.header`, or -1 when more bytes are needed. Throws on a non-PCM16 stream. */
  private parseHeader(): number {
    const h = this.header;
    if (h.length < 12) return -1;
    if (h.toString('ascii', 0, 4) !== 'RIFF' || h.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE stream');
    let off = 12;
    while (off + 8 <= h.length) {
      const id = h.toString('ascii', off, off + 4);
      const size = h.readUInt32LE(off + 4);
      if (id === 'data') {
        if (this.channels === 0) throw new Error('WAV data chunk before fmt chunk');
        this.inData = true;
        return off + 8;
      }
      if (off + 8 + size > h.length) return -1;
      if (id === 'fmt ') {
        const format = h.readUInt16LE(off + 8);
        this.channels = h.readUInt16LE(off + 10);
        this.sampleRate = h.readUInt32LE(off + 12);
        const bits = h.readUInt16LE(off + 22);
        if ((format !== 1 && format !== 0xfffe) || bits !== 16 || this.channels < 1) throw new Error(`unsupported WAV format ${format}, ${bits} bit, ${this.channels} channels`);
      }
      off += 8 + size + (size % 2);
    }
    if (h.length > 1 << 16) throw new Error('WAV header too long');
    return -1;
  }
}
