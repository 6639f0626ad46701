// DonationAlerts donations over its Centrifugo websocket, as documented at
// https://www.donationalerts.com/apidoc#introduction__centrifugo:
// 1. GET /api/v1/user/oauth (Bearer access token) → data.id, data.socket_connection_token;
// 2. websocket wss://centrifugo.donationalerts.com/connection/websocket, send {params: {token}, id: 1}
//    → {id: 1, result: {client}};
// 3. POST /api/v1/centrifuge/subscribe {channels: ["$alerts:donation_<id>"], client} → {channels:
//    [{channel, token}]};
// 4. send {params: {channel, token}, method: 1, id: 2} → {id: 2, result: {}};
// then publications {result: {channel, data: {seq, data: {id, name, username, message, amount, currency, ...}}}}.
// This is Centrifugo's JSON protocol (v2): replies carry the command's id, pushes carry none; one frame
// may hold several JSON objects separated by newlines; errors are {code, message} (101 unauthorized,
// 103 permission denied, 109 token expired); a server disconnect closes with a JSON reason
// {reason, reconnect}.
import WebSocket from 'ws';
import { z } from 'zod';
import type { DonationsConfig } from './config.ts';
import { ServiceConnection, type ConnectionOptions } from './service-connection.ts';

const CONNECT_ID = 1;
const SUBSCRIBE_ID = 2;
const METHOD_SUBSCRIBE = 1;

const OauthUser = z.object({ data: z.object({ id: z.union([z.number().int(), z.string().regex(/^\d+$/)]), socket_connection_token: z.string().min(1) }) });
const SubscribeReply = z.object({ channels: z.array(z.object({ channel: z.string(), token: z.string().min(1) })) });
const Reply = z.object({
  id: z.number().int().optional(),
  error: z.object({ code: z.number().int(), message: z.string().optional() }).optional(),
  result: z.unknown().optional(),
});
const ConnectResult = z.object({ client: z.string().min(1) });
const Push = z.object({ type: z.number().int().optional(), channel: z.string(), data: z.object({ data: z.unknown() }) });
const Donation = z.object({
  id: z.union([z.number().int(), z.string().min(1)]),
  username: z.string().nullish(),
  message: z.string().nullish(),
  amount: z.coerce.number().nonnegative(),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
});
const DisconnectReason = z.object({ reason: z.string().optional(), reconnect: z.boolean().optional() });

const UNAUTHORIZED = 101;
const PERMISSION_DENIED = 103;

export class DonationAlertsConnection extends ServiceConnection {
  readonly service = 'donationalerts';
  readonly label = 'DonationAlerts';
  private ws: WebSocket | undefined;
  private readonly abort = new Set<AbortController>();
  userId: string | undefined;

  constructor(
    private readonly da: Readonly<DonationsConfig['donationalerts']>,
    opts: ConnectionOptions,
  ) {
    super(opts);
  }

  private get channel(): string {
    return `$alerts:donation_${this.userId ?? ''}`;
  }

  protected connect(generation: number): void {
    void this.login(generation);
  }

  protected close(): void {
    for (const c of this.abort) c.abort();
    this.abort.clear();
    const ws = this.ws;
    this.ws = undefined;
    if (!ws) return;
    ws.removeAllListeners();
    ws.on('error', () => undefined);
    ws.terminate();
  }

  /** One REST call; `undefined` when it failed (already reported) or the connection moved on. */
  private async rest(generation: number, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const controller = new AbortController();
    this.abort.add(controller);
    const timer = setTimeout(() => controller.abort(), this.opts.cfg.connect_timeout_ms);
    const what = `${method} ${path}`;
    try {
      const res = await fetch(`${this.da.api_base.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.opts.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: controller.signal,
      });
      if (!this.current(generation)) return undefined;
      if (res.status === 401 || res.status === 403) {
        this.unauthorized(generation, `${what} answered ${res.status}`);
        return undefined;
      }
      if (!res.ok) {
        this.fail(generation, `${what} answered ${res.status}`);
        return undefined;
      }
      return await res.json();
    } catch (err) {
      this.fail(generation, `${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
      this.abort.delete(controller);
    }
  }

  private async login(generation: number): Promise<void> {
    const json = await this.rest(generation, 'GET', '/user/oauth');
    if (json === undefined || !this.current(generation)) return;
    const user = OauthUser.safeParse(json);
    if (!user.success) return this.fail(generation, `GET /user/oauth: unexpected reply (${user.error.issues[0]?.path.join('.') || 'body'})`);
    this.userId = String(user.data.data.id);
    this.addSecret(user.data.data.socket_connection_token);
    this.openSocket(generation, user.data.data.socket_connection_token);
  }

  private openSocket(generation: number, socketToken: string): void {
    const ws = new WebSocket(this.da.url, { handshakeTimeout: this.opts.cfg.connect_timeout_ms });
    this.ws = ws;
    ws.on('open', () => {
      this.heartbeat(ws, generation);
      ws.send(JSON.stringify({ params: { token: socketToken }, id: CONNECT_ID }));
    });
    ws.on('message', (raw) => {
      // Centrifugo's JSON protocol may put several replies and pushes in one frame, one per line.
      for (const line of raw.toString().split('\n')) if (line.trim()) this.onLine(generation, ws, line);
    });
    ws.on('error', (err) => {
      this.lastError = this.redact(err.message);
    });
    ws.on('close', (code, reason) => this.onClose(generation, code, reason.toString()));
  }

  private onClose(generation: number, code: number, reasonText: string): void {
    let parsed: z.infer<typeof DisconnectReason> = {};
    try {
      const r = DisconnectReason.safeParse(JSON.parse(reasonText));
      if (r.success) parsed = r.data;
    } catch {
      // Not JSON: a plain close.
    }
    const why = `closed (${code}${parsed.reason ? `: ${parsed.reason}` : ''})`;
    if (parsed.reconnect === false && /token|permission|unauthori[sz]ed/i.test(parsed.reason ?? '')) return this.unauthorized(generation, why);
    this.fail(generation, why);
  }

  private onLine(generation: number, ws: WebSocket, line: string): void {
    if (!this.current(generation)) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.opts.log.warn({ event: 'donations.bad_frame', service: this.service, bytes: line.length }, 'DonationAlerts sent a line that is not JSON');
      return;
    }
    const reply = Reply.safeParse(json);
    if (!reply.success) return;
    const { id, error, result } = reply.data;
    if (id === CONNECT_ID) {
      if (error) return this.refused(generation, 'connect', error);
      const connected = ConnectResult.safeParse(result);
      if (!connected.success) return this.fail(generation, 'connect reply without a client id');
      void this.subscribe(generation, ws, connected.data.client);
      return;
    }
    if (id === SUBSCRIBE_ID) {
      if (error) return this.refused(generation, 'subscribe', error);
      return this.ready(generation, `DonationAlerts connected (${this.channel})`);
    }
    if (id !== undefined) return; // a reply to something else (none is sent today)
    const push = Push.safeParse(result);
    if (!push.success || (push.data.type ?? 0) !== 0 || push.data.channel !== this.channel) return;
    const d = Donation.safeParse(push.data.data.data);
    if (!d.success) {
      this.opts.log.warn({ event: 'donations.bad_event', service: this.service, field: d.error.issues[0]?.path.join('.') }, 'DonationAlerts donation outside the documented shape');
      return;
    }
    this.donation(generation, { id: String(d.data.id), name: d.data.username?.trim() ?? '', amount: d.data.amount, currency: d.data.currency, message: d.data.message ?? '', test: false });
  }

  private refused(generation: number, step: string, error: { code: number; message?: string | undefined }): void {
    const why = `${step} refused: ${error.code}${error.message ? ` ${error.message}` : ''}`;
    if (error.code === UNAUTHORIZED || error.code === PERMISSION_DENIED) this.unauthorized(generation, why);
    else this.fail(generation, why);
  }

  private async subscribe(generation: number, ws: WebSocket, client: string): Promise<void> {
    const json = await this.rest(generation, 'POST', '/centrifuge/subscribe', { channels: [this.channel], client });
    if (json === undefined || !this.current(generation)) return;
    const reply = SubscribeReply.safeParse(json);
    const entry = reply.success ? reply.data.channels.find((c) => c.channel === this.channel) : undefined;
    if (!entry) return this.fail(generation, `POST /centrifuge/subscribe: no token for ${this.channel}`);
    this.addSecret(entry.token);
    ws.send(JSON.stringify({ params: { channel: this.channel, token: entry.token }, method: METHOD_SUBSCRIBE, id: SUBSCRIBE_ID }));
  }
}
