/**
 * Receive buffers for POST /asr bodies, kept and reused. The first write into freshly allocated
 * memory faults its pages in one by one, which on this kind of VM costs ~50–100 ms per 6 MB on the
 * event loop; a reused buffer's pages are already there (a second write takes well under 1 ms).
 * A buffer goes to the upload worker and comes back with its reply. At most `keep` are kept.
 */
export class UploadBufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    /** Capacity of each buffer: the largest body accepted. */
    readonly capacity: number,
    private readonly keep: number,
  ) {}

  /** A buffer of `capacity` bytes (its pages faulted in already, when it was used before). */
  take(): ArrayBuffer {
    return this.free.pop() ?? new ArrayBuffer(this.capacity);
  }

  /**
   * Hands a buffer back (one that came back from the worker is a new object over the same memory).
   * Only buffers of `capacity` bytes are kept, at most `keep`; a detached one has length 0.
   */
  give(buffer: ArrayBuffer | SharedArrayBuffer): void {
    if (buffer instanceof ArrayBuffer && buffer.byteLength === this.capacity && this.free.length < this.keep && !this.free.includes(buffer)) this.free.push(buffer);
  }

  get size(): number {
    return this.free.length;
  }
}
