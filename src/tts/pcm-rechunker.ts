import { ENVELOPE_MS } from '../audio/envelope.ts';

/**
 * Cuts a segment's PCM into client chunks: at most `maxMs` each, always whole envelope windows
 * (20 ms), so every chunk's envelope lines up with its audio. Whatever is ready leaves at once;
 * only a tail shorter than one window waits for more audio or the segment's end.
 */
export class PcmRechunker {
  private pending = new Int16Array(0);
  private rate = 0;

  constructor(private readonly maxMs: number) {}

  push(pcm: Int16Array, sampleRate: number): Array<{ pcm: Int16Array; sampleRate: number }> {
    const out = this.rate !== 0 && this.rate !== sampleRate ? this.flush() : [];
    this.rate = sampleRate;
    const all = new Int16Array(this.pending.length + pcm.length);
    all.set(this.pending);
    all.set(pcm, this.pending.length);
    const window = Math.max(1, Math.round((sampleRate * ENVELOPE_MS) / 1000));
    const max = Math.max(window, Math.floor((sampleRate * this.maxMs) / 1000 / window) * window);
    let off = 0;
    while (all.length - off >= window) {
      const take = Math.min(max, Math.floor((all.length - off) / window) * window);
      out.push({ pcm: all.slice(off, off + take), sampleRate });
      off += take;
    }
    this.pending = all.slice(off);
    return out;
  }

  flush(): Array<{ pcm: Int16Array; sampleRate: number }> {
    if (this.pending.length === 0) return [];
    const out = [{ pcm: this.pending, sampleRate: this.rate }];
    this.pending = new Int16Array(0);
    return out;
  }
}
