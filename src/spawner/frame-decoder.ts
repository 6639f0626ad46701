/** Frame types written by the helper (see spawner-helper.mjs). */
export const Frame = { Spawned: 1, Stdout: 2, Stderr: 3, Exit: 4, Error: 5 } as const;

const HEADER = 9;

export interface FrameHandler {
  /** A whole frame of a small type (spawned, stderr, exit, error). */
  frame(type: number, id: number, payload: Buffer): void;
  /** Part of a stdout frame, handed on as it arrives (a view into the pipe's chunk, not a copy). */
  stdout(id: number, piece: Buffer): void;
}

/**
 * Splits the helper's stdout into frames `[type u8][id u32 BE][length u32 BE][payload]`, whatever
 * the pipe's chunk boundaries. Stdout payloads (audio) stream through without being copied or
 * assembled; only headers and the small frames are gathered across chunks.
 */
export class FrameDecoder {
  private header = Buffer.alloc(HEADER);
  private headerFill = 0;
  private type = 0;
  private id = 0;
  /** Payload bytes still expected for the current frame; -1 while reading a header. */
  private remaining = -1;
  private parts: Buffer[] = [];

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.remaining < 0) {
        const n = Math.min(HEADER - this.headerFill, chunk.length - off);
        chunk.copy(this.header, this.headerFill, off, off + n);
        this.headerFill += n;
        off += n;
        if (this.headerFill < HEADER) return;
        this.headerFill = 0;
        this.type = this.header.readUInt8(0);
        this.id = this.header.readUInt32BE(1);
        this.remaining = this.header.readUInt32BE(5);
        if (this.remaining === 0) this.finish();
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - off);
      const piece = chunk.subarray(off, off + n);
      off += n;
      this.remaining -= n;
      if (this.type === Frame.Stdout) this.handler.stdout(this.id, piece);
      else this.parts.push(piece);
      if (this.remaining === 0) this.finish();
    }
  }

  /** Drops any partial frame (the helper was replaced). */
  reset(): void {
    this.headerFill = 0;
    this.remaining = -1;
    this.parts = [];
  }

  private finish(): void {
    this.remaining = -1;
    if (this.type === Frame.Stdout) return;
    const payload = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    this.parts = [];
    this.handler.frame(this.type, this.id, payload);
  }
}
