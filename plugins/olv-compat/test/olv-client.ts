import WebSocket from 'ws';

export type OlvMessage = Record<string, unknown> & { type: string };

/**
 * A test client for the Open-LLM-VTuber client protocol as this plugin implements it (JSON text
 * frames with a `type`; mic audio as float arrays at 16 kHz). NOTE: written from the protocol as we
 * understand it, not yet checked line by line against Open-LLM-VTuber's websocket_handler.py and
 * its web client; see the plugin README's "unconfirmed" notes.
 */
export class OlvTestClient {
  readonly received: OlvMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as OlvMessage);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(url: string): Promise<OlvTestClient> {
    const ws = new WebSocket(url);
    const c = new OlvTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  send(msg: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** Waits (bounded) until `pred` matches a message received after index `from`; returns it. */
  async waitFor(pred: (m: OlvMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<OlvMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.slice(from).find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got: ${this.received.map((m) => `${m.type}${typeof m.text === 'string' ? `:${m.text}` : ''}`).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Reads a mono PCM16 WAV: sample rate and samples. */
export function decodeWav(buf: Buffer): { sampleRate: number; pcm: Int16Array } {
  if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV');
  let off = 12;
  let sampleRate = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') sampleRate = buf.readUInt32LE(off + 12);
    if (id === 'data') {
      const pcm = new Int16Array(size / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = buf.readInt16LE(off + 8 + i * 2);
      return { sampleRate, pcm };
    }
    off += 8 + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
