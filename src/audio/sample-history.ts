/**
 * The most recent `capacity` samples of a stream, addressed by absolute sample index, so a
 * detector can hand out audio from before the moment it decided (pre-roll).
 */
export class SampleHistory {
  private readonly ring: Float32Array;
  private total = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float32Array(capacity);
  }

  /** Absolute index one past the newest sample. */
  get end(): number {
    return this.total;
  }

  /** Absolute index of the oldest sample still held. */
  get start(): number {
    return Math.max(0, this.total - this.capacity);
  }

  push(samples: Float32Array): void {
    let src = samples;
    if (src.length > this.capacity) {
      this.total += src.length - this.capacity;
      src = src.subarray(src.length - this.capacity);
    }
    const at = this.total % this.capacity;
    const first = Math.min(src.length, this.capacity - at);
    this.ring.set(src.subarray(0, first), at);
    if (first < src.length) this.ring.set(src.subarray(first), 0);
    this.total += src.length;
  }

  /** A copy of samples [from, to), clamped to what is still held. */
  slice(from: number, to: number): Float32Array {
    const a = Math.max(from, this.start);
    const b = Math.min(to, this.end);
    if (b <= a) return new Float32Array(0);
    const out = new Float32Array(b - a);
    for (let i = a, j = 0; i < b; i++, j++) out[j] = this.ring[i % this.capacity] as number;
    return out;
  }
}
