/**
 * A fake Twitch EventSub websocket server plus the Helix subscription endpoint, on 127.0.0.1, written from
 * dev.twitch.tv/docs/eventsub/handling-websocket-events (message envelope `{metadata: {message_id,
 * message_type, message_timestamp}, payload}`; session_welcome, session_keepalive, session_reconnect,
 * notification, revocation) and dev.twitch.tv/docs/api/reference#create-eventsub-subscription
 * (POST /helix/eventsub/subscriptions, 202 Accepted, 401 for a bad token, 400 for an unknown session).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface CreatedSubscription {
  type: string;
  version: string;
  condition: Record<string, string>;
  sessionId: string;
  clientId: string | undefined;
}

export class FakeEventsub {
  private wss: WebSocketServer | undefined;
  private helix: http.Server | undefined;
  private readonly sockets = new Map<WebSocket, string>();
  private keepaliveTimers = new Map<WebSocket, NodeJS.Timeout>();
  wsPort = 0;
  helixPort = 0;
  token = 'eventsub-user-token-0123456789';
  clientId = 'fake-client-id';
  keepaliveSeconds = 10;
  sendKeepalives = true;
  connections = 0;
  readonly created: CreatedSubscription[] = [];
  helixCalls = 0;

  async start(): Promise<void> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss?.once('listening', () => r()));
    this.wsPort = (this.wss.address() as AddressInfo).port;
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req.url ?? '/'));
    this.helix = http.createServer((req, res) => void this.onHelix(req, res));
    await new Promise<void>((r) => this.helix?.listen(0, '127.0.0.1', () => r()));
    this.helixPort = (this.helix.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const t of this.keepaliveTimers.values()) clearInterval(t);
    for (const ws of this.sockets.keys()) ws.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
    this.helix?.closeAllConnections();
    await new Promise<void>((r) => (this.helix ? this.helix.close(() => r()) : r()));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.wsPort}/ws`;
  }

  get helixUrl(): string {
    return `http://127.0.0.1:${this.helixPort}/helix`;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  private envelope(type: string, payload: unknown, subscriptionType?: string): Record<string, unknown> {
    return { metadata: { message_id: randomUUID(), message_type: type, message_timestamp: new Date().toISOString(), ...(subscriptionType ? { subscription_type: subscriptionType, subscription_version: '1' } : {}) }, payload };
  }

  private onConnection(ws: WebSocket, url: string): void {
    this.connections++;
    // A reconnect_url keeps the session (and its subscriptions); a fresh connection gets a new one.
    const sessionId = /[?&]session=([^&]+)/.exec(url)?.[1] ?? `session-${randomUUID()}`;
    this.sockets.set(ws, sessionId);
    ws.on('close', () => {
      this.sockets.delete(ws);
      clearInterval(this.keepaliveTimers.get(ws));
    });
    ws.send(JSON.stringify(this.envelope('session_welcome', { session: { id: sessionId, status: 'connected', connected_at: new Date().toISOString(), keepalive_timeout_seconds: this.keepaliveSeconds, reconnect_url: null } })));
    const timer = setInterval(() => {
      if (this.sendKeepalives) ws.send(JSON.stringify(this.envelope('session_keepalive', {})));
    }, this.keepaliveSeconds * 1000 * 0.5);
    this.keepaliveTimers.set(ws, timer);
  }

  /** The newest socket (the one a notification goes to). */
  private current(): [WebSocket, string] | undefined {
    return [...this.sockets.entries()].at(-1);
  }

  /** Sends one notification; returns its message id (send it again with `resend` to test dedupe). */
  notify(type: string, event: Record<string, unknown>): string {
    const cur = this.current();
    if (!cur) throw new Error('no EventSub client connected');
    const msg = this.envelope('notification', { subscription: { id: randomUUID(), status: 'enabled', type, version: '1', cost: 0, condition: {}, transport: { method: 'websocket', session_id: cur[1] }, created_at: new Date().toISOString() }, event }, type);
    this.lastSent = JSON.stringify(msg);
    cur[0].send(this.lastSent);
    return (msg.metadata as { message_id: string }).message_id;
  }

  private lastSent = '';

  resend(): void {
    this.current()?.[0].send(this.lastSent);
  }

  /** session_reconnect: the client must connect to reconnect_url and then drop this socket. */
  askReconnect(): void {
    const cur = this.current();
    if (!cur) return;
    cur[0].send(JSON.stringify(this.envelope('session_reconnect', { session: { id: cur[1], status: 'reconnecting', keepalive_timeout_seconds: null, reconnect_url: `ws://127.0.0.1:${this.wsPort}/ws?session=${cur[1]}`, connected_at: new Date().toISOString() } })));
  }

  revoke(type: string, status = 'authorization_revoked'): void {
    const cur = this.current();
    cur?.[0].send(JSON.stringify(this.envelope('revocation', { subscription: { id: randomUUID(), status, type, version: '1', cost: 0, condition: {}, transport: { method: 'websocket', session_id: cur[1] }, created_at: new Date().toISOString() } }, type)));
  }

  private async onHelix(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.helixCalls++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/helix/eventsub/subscriptions') return reply(404, { error: 'Not Found', status: 404, message: '' });
    if (req.headers.authorization !== `Bearer ${this.token}` || req.headers['client-id'] !== this.clientId) return reply(401, { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { type?: string; version?: string; condition?: Record<string, string>; transport?: { method?: string; session_id?: string } };
    const sessionId = body.transport?.session_id ?? '';
    if (body.transport?.method !== 'websocket' || ![...this.sockets.values()].includes(sessionId)) return reply(400, { error: 'Bad Request', status: 400, message: 'websocket transport session does not exist or has already disconnected' });
    if (!body.type || !body.version || !body.condition) return reply(400, { error: 'Bad Request', status: 400, message: 'missing type, version or condition' });
    this.created.push({ type: body.type, version: body.version, condition: body.condition, sessionId, clientId: req.headers['client-id'] as string | undefined });
    reply(202, { data: [{ id: randomUUID(), status: 'enabled', type: body.type, version: body.version, condition: body.condition, created_at: new Date().toISOString(), transport: { method: 'websocket', session_id: sessionId, connected_at: new Date().toISOString() }, cost: 0 }], total: 1, total_cost: 0, max_total_cost: 10 });
  }
}
