import WebSocket from 'ws';

export interface Received {
  type: string;
  [key: string]: unknown;
}

const AUDIO_PREFIX = Buffer.from('{"type":"audio",');
const DATA_KEY = Buffer.from('"data":"');

/** The JSON text of a frame, with an audio message's base64 `data` replaced by its length. */
function withoutAudioPayload(frame: Buffer): string {
  if (!frame.subarray(0, AUDIO_PREFIX.length).equals(AUDIO_PREFIX)) return frame.toString('utf8');
  const start = frame.indexOf(DATA_KEY);
  // base64 has no quote or escape, so the next quote ends the payload.
  const end = start < 0 ? -1 : frame.indexOf(0x22, start + DATA_KEY.length);
  if (end < 0) return frame.toString('utf8');
  const payload = end - start - DATA_KEY.length;
  return `${frame.toString('utf8', 0, start + DATA_KEY.length)}[${payload} base64 chars]${frame.toString('utf8', end)}`;
}

/** A websocket test client that records every message and can wait for one. */
export class TestClient {
  readonly messages: Received[] = [];
  /** `performance.now()` when each message arrived (same index as `messages`). */
  readonly receivedAt: number[] = [];
  closed: { code: number; reason: string } | undefined;
  /** Set false to drop audio payloads as they arrive (soak tests). */
  keepAudioData = true;
  private waiters: Array<{ pred: (m: Received) => boolean; resolve: (m: Received) => void }> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      // Long runs keep the shape of audio messages but not their bytes; the payload is cut out of the
      // frame before it is decoded, so the in-process client does not add its own garbage to the soak.
      const text = !this.keepAudioData && Buffer.isBuffer(data) ? withoutAudioPayload(data) : data.toString();
      const msg = JSON.parse(text) as Received;
      this.receivedAt.push(performance.now());
      this.messages.push(msg);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(msg)) return true;
        w.resolve(msg);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static async connect(url: string, opts: { headers?: Record<string, string> } = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { headers: opts.headers ?? {} });
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.waitFor((m) => m.type === 'hello');
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  sendBinary(data: Buffer): void {
    this.ws.send(data, { binary: true });
  }

  /** Resolves with the first message (already received or future) that matches. */
  waitFor(pred: (m: Received) => boolean, timeoutMs = 5000, fromIndex = 0): Promise<Received> {
    const existing = this.messages.slice(fromIndex).find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for a message`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  waitForType(type: string, timeoutMs = 5000): Promise<Received> {
    return this.waitFor((m) => m.type === type, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
