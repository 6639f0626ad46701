/**
 * A bounded ring of one client's microphone PCM16 samples, between the socket (which only copies
 * bytes in) and the voice session (which reads them off the socket callback). When the session
 * falls behind and the ring is full, the OLDEST audio is dropped: live speech matters more than
 * audio that is already late. Drops are counted for /admin/status.
 */
export class AudioRing {
  private readonly buf: Int16Array;
  /** Absolute sample counts: read position and write position. */
  private readPos = 0;
  private writePos = 0;
  private closedValue = false;
  private wake: (() => void) | undefined;
  /** Samples dropped (oldest first) because the ring was full. */
  droppedSamples = 0;
  /** Samples written in total (including those later dropped). */
  receivedSamples = 0;

  constructor(
    readonly sampleRate: number,
    capacityMs: number,
  ) {
    this.buf = new Int16Array(Math.max(1, Math.round((sampleRate * capacityMs) / 1000)));
  }

  /** Samples read so far (the session's position in the client's stream, drops skipped). */
  get readSamples(): number {
    return this.readPos;
  }

  /** Samples waiting to be read. */
  get size(): number {
    return this.writePos - this.readPos;
  }

  get closed(): boolean {
    return this.closedValue;
  }

  /**
   * Copies PCM16LE bytes in (no allocation). Returns how many samples had to be dropped to make
   * room. An odd trailing byte is ignored (the socket refuses odd lengths before this).
   */
  writePcm16le(bytes: Uint8Array): number {
    if (this.closedValue) return 0;
    const n = bytes.length >> 1;
    const cap = this.buf.length;
    let skip = 0;
    let dropped = 0;
    if (n > cap) {
      skip = n - cap;
      dropped += skip;
    }
    const room = cap - this.size;
    const incoming = n - skip;
    if (incoming > room) {
      const drop = incoming - room;
      this.readPos += drop;
      dropped += drop;
    }
    for (let i = skip; i < n; i++) {
      const lo = bytes[2 * i] as number;
      const hi = bytes[2 * i + 1] as number;
      this.buf[this.writePos % cap] = ((hi << 24) >> 16) | lo;
      this.writePos++;
    }
    this.receivedSamples += n;
    this.droppedSamples += dropped;
    this.notify();
    return dropped;
  }

  /** Copies up to `out.length` of the oldest waiting samples into `out`; returns how many. */
  read(out: Int16Array): number {
    const n = Math.min(out.length, this.size);
    const cap = this.buf.length;
    const from = this.readPos % cap;
    const first = Math.min(n, cap - from);
    out.set(this.buf.subarray(from, from + first), 0);
    if (first < n) out.set(this.buf.subarray(0, n - first), first);
    this.readPos += n;
    return n;
  }

  /** No more audio will come; the reader drains what is left and ends. */
  close(): void {
    this.closedValue = true;
    this.notify();
  }

  /** Resolves when samples are waiting, the ring is closed, or `signal` aborts. */
  waitForData(signal: AbortSignal): Promise<void> {
    if (this.size > 0 || this.closedValue || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private notify(): void {
    this.wake?.();
  }
}
