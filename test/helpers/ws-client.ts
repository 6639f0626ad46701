import WebSocket from 'ws';

export interface Received {
  type: string;
  [key: string]: unknown;
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
      const msg = JSON.parse(data.toString()) as Received;
      // Long runs keep the shape of audio messages but not their bytes.
      if (!this.keepAudioData && msg.type === 'audio' && typeof msg.data === 'string') msg.data = `[${msg.data.length} base64 chars]`;
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
