// A fake StreamElements Astro websocket gateway, written from StreamElements' public docs
// (https://dev.streamelements.com/docs/api-docs/, source github.com/StreamElements/docs:
// docs/websockets/index.md for subscribe/response/error codes, docs/websockets/topics/channel-tips.md
// for the tip payload). It speaks only what the docs describe.
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeTip {
  id: string;
  username: string;
  amount: number;
  currency: string;
  message: string;
  status?: string;
}

export class FakeAstro {
  private wss: WebSocketServer | undefined;
  private readonly subscribed = new Set<WebSocket>();
  validTokens = new Set<string>(['se-good-jwt-token-A1b2C3']);
  /** Every websocket connection the gateway accepted. */
  connections = 0;
  /** Every subscribe request, with its token type and topic (never the token). */
  subscribes: Array<{ topic: string; token_type: string; ok: boolean }> = [];
  url = '';
  /** false: the gateway stays connected but stops answering websocket pings (a silently dead route). */
  answerPings = true;

  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    this.wss = wss;
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    this.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    wss.on('connection', (ws) => {
      this.connections++;
      ws.on('message', (raw) => this.onMessage(ws, raw.toString()));
      ws.on('ping', (data) => {
        if (this.answerPings) ws.pong(data);
      });
      ws.on('close', () => this.subscribed.delete(ws));
    });
  }

  private reply(ws: WebSocket, body: Record<string, unknown>): void {
    ws.send(JSON.stringify({ id: randomUUID(), ts: new Date().toISOString(), ...body }));
  }

  private onMessage(ws: WebSocket, text: string): void {
    let msg: { type?: string; nonce?: string; data?: { topic?: string; token?: string; token_type?: string } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.reply(ws, { type: 'response', error: 'invalid_message', data: { message: 'invalid message' } });
      return;
    }
    if (msg.type !== 'subscribe' || !msg.data?.topic) {
      this.reply(ws, { type: 'response', nonce: msg.nonce, error: 'err_bad_request', data: { message: 'bad request' } });
      return;
    }
    const ok = msg.data.token !== undefined && this.validTokens.has(msg.data.token);
    this.subscribes.push({ topic: msg.data.topic, token_type: msg.data.token_type ?? '', ok });
    if (!ok) {
      this.reply(ws, { type: 'response', nonce: msg.nonce, error: 'err_unauthorized', data: { message: 'invalid token' } });
      return;
    }
    this.subscribed.add(ws);
    this.reply(ws, { type: 'response', nonce: msg.nonce, data: { message: 'successfully subscribed to topic', topic: msg.data.topic } });
  }

  get subscribers(): number {
    return this.subscribed.size;
  }

  /** A completed tip on `channel.tips`, to every subscriber (the docs' "Tip Created" example shape). */
  tip(t: FakeTip): void {
    const frame = JSON.stringify({
      id: randomUUID(),
      ts: new Date().toISOString(),
      type: 'message',
      topic: 'channel.tips',
      room: '5ad23dcc18fff500d78c5348',
      data: {
        donation: { user: { username: t.username, geo: 'ZZ', email: 'donor@example.com', channel: '5ad23dcc18fff500d78c5348' }, message: t.message, amount: t.amount, currency: t.currency, paymentMethod: 'scheme' },
        _id: t.id,
        channel: '5ad23dcc18fff500d78c5348',
        provider: 'paypal',
        approved: 'allowed',
        status: t.status ?? 'success',
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        transactionId: 'TX-1',
      },
    });
    for (const ws of this.subscribed) ws.send(frame);
  }

  /** The network drops: every connection ends without a close handshake. */
  dropAll(): void {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.subscribed.clear();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }
}
