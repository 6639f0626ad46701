// A fake DonationAlerts (REST API + Centrifugo websocket), written from the DonationAlerts API docs
// (https://www.donationalerts.com/apidoc, "Centrifugo" and "Donation alert" sections) and Centrifugo's
// v2 JSON client protocol, which that endpoint speaks: commands {id, method?, params}, method 0 (connect,
// the default) and 1 (subscribe), 7 (ping); replies {id, result | error {code, message}}; pushes
// {result: {channel, data: {seq, data}}} with no id; several objects per frame separated by newlines;
// an invalid connection token ends the socket with close code 3500 and reason
// {"reason":"invalid token","reconnect":false}.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeDaDonation {
  id: number;
  username: string | null;
  message: string;
  amount: number;
  currency: string;
}

export class FakeDonationAlerts {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  /** client id → its socket. */
  private readonly clients = new Map<string, WebSocket>();
  /** channel token → client id it was issued for. */
  private readonly channelTokens = new Map<string, string>();
  private readonly subscribed = new Set<WebSocket>();
  private seq = 0;
  accessTokens = new Set<string>(['da-good-access-token-Q1w2E3']);
  readonly userId = 4242;
  /** socket_connection_token handed out by /user/oauth (the docs: a JWT; any opaque string works here). */
  readonly socketToken = `sct-${randomUUID()}`;
  oauthCalls = 0;
  oauthRefused = 0;
  subscribeCalls = 0;
  connections = 0;
  pings = 0;
  base = '';
  wsUrl = '';

  get channel(): string {
    return `$alerts:donation_${this.userId}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.onHttp(req, res));
    this.server = server;
    const wss = new WebSocketServer({ server, path: '/connection/websocket' });
    this.wss = wss;
    wss.on('connection', (ws) => {
      this.connections++;
      ws.on('message', (raw) => {
        for (const line of raw.toString().split('\n')) if (line.trim()) this.onCommand(ws, line);
      });
      ws.on('close', () => this.subscribed.delete(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    this.base = `http://127.0.0.1:${port}/api/v1`;
    this.wsUrl = `ws://127.0.0.1:${port}/connection/websocket`;
  }

  private authorized(req: IncomingMessage): boolean {
    const auth = req.headers.authorization ?? '';
    return auth.startsWith('Bearer ') && this.accessTokens.has(auth.slice(7));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/api/v1/user/oauth') {
      this.oauthCalls++;
      if (!this.authorized(req)) {
        this.oauthRefused++;
        return this.json(res, 401, { message: 'Unauthenticated.' });
      }
      return this.json(res, 200, { data: { id: this.userId, code: 'strimer', name: 'Стример', avatar: '', email: 'streamer@example.com', socket_connection_token: this.socketToken } });
    }
    if (req.method === 'POST' && url === '/api/v1/centrifuge/subscribe') {
      this.subscribeCalls++;
      if (!this.authorized(req)) return this.json(res, 401, { message: 'Unauthenticated.' });
      let body: { channels?: unknown; client?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString()) as typeof body;
      } catch {
        return this.json(res, 422, { message: 'The given data was invalid.' });
      }
      if (!Array.isArray(body.channels) || typeof body.client !== 'string' || !this.clients.has(body.client)) return this.json(res, 422, { message: 'The given data was invalid.' });
      const channels = body.channels.filter((c): c is string => c === this.channel).map((channel) => {
        const token = `chan-${randomUUID()}`;
        this.channelTokens.set(token, body.client as string);
        return { channel, token };
      });
      return this.json(res, 200, { channels });
    }
    this.json(res, 404, { message: 'Not found' });
  }

  private onCommand(ws: WebSocket, line: string): void {
    let cmd: { id?: number; method?: number; params?: { token?: string; channel?: string } };
    try {
      cmd = JSON.parse(line) as typeof cmd;
    } catch {
      ws.close(3501, JSON.stringify({ reason: 'bad request', reconnect: false }));
      return;
    }
    const method = cmd.method ?? 0;
    if (method === 0) {
      if (cmd.params?.token !== this.socketToken) {
        ws.close(3500, JSON.stringify({ reason: 'invalid token', reconnect: false }));
        return;
      }
      const client = randomUUID();
      this.clients.set(client, ws);
      ws.send(JSON.stringify({ id: cmd.id, result: { client, version: '2.8.0' } }));
      return;
    }
    if (method === 1) {
      const owner = this.channelTokens.get(cmd.params?.token ?? '');
      if (cmd.params?.channel !== this.channel || !owner || this.clients.get(owner) !== ws) {
        ws.send(JSON.stringify({ id: cmd.id, error: { code: 103, message: 'permission denied' } }));
        return;
      }
      this.subscribed.add(ws);
      ws.send(JSON.stringify({ id: cmd.id, result: {} }));
      return;
    }
    if (method === 7) {
      this.pings++;
      ws.send(JSON.stringify({ id: cmd.id, result: {} }));
      return;
    }
    ws.send(JSON.stringify({ id: cmd.id, error: { code: 104, message: 'method not found' } }));
  }

  get subscribers(): number {
    return this.subscribed.size;
  }

  private push(d: FakeDaDonation): string {
    const data = { id: d.id, name: 'Donations', username: d.username, message_type: 'text', message: d.message, amount: d.amount, currency: d.currency, is_shown: 0, created_at: '2026-12-03 22:00:00', shown_at: null };
    return JSON.stringify({ result: { channel: this.channel, data: { seq: ++this.seq, gen: 0, data } } });
  }

  /** Donations published on the channel; `batched` puts them all in one frame, newline-separated. */
  donate(donations: FakeDaDonation[], batched = false): void {
    const lines = donations.map((d) => this.push(d));
    for (const ws of this.subscribed) {
      if (batched) ws.send(lines.join('\n'));
      else for (const l of lines) ws.send(l);
    }
  }

  /** A publication on the channel with any payload (to test what the client does with a bad one). */
  publishRaw(data: unknown): void {
    const frame = JSON.stringify({ result: { channel: this.channel, data: { seq: ++this.seq, gen: 0, data } } });
    for (const ws of this.subscribed) ws.send(frame);
  }

  dropAll(): void {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.subscribed.clear();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
