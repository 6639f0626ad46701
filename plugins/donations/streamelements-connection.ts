// StreamElements tips over the Astro websocket gateway, as documented at
// https://dev.streamelements.com/docs/api-docs/ (source: github.com/StreamElements/docs, docs/websockets/):
// connect to wss://astro.streamelements.com, send {type: 'subscribe', nonce, data: {topic, token,
// token_type, room?}}, get {type: 'response', nonce, error?, data}; then {type: 'message', topic:
// 'channel.tips', data: {_id, donation: {user: {username}, message, amount, currency}, status}}.
// Astro is StreamElements' documented gateway today; the older socket.io `realtime.streamelements.com`
// flow is no longer in their docs, so it is not used.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import type { DonationsConfig } from './config.ts';
import { ServiceConnection, type ConnectionOptions } from './service-connection.ts';

export const TIPS_TOPIC = 'channel.tips';

const Envelope = z.object({ type: z.string(), nonce: z.string().optional(), topic: z.string().optional(), error: z.string().optional(), data: z.unknown().optional() });
const Tip = z.object({
  _id: z.string().min(1),
  donation: z.object({
    user: z.object({ username: z.string().nullish() }).optional(),
    message: z.string().nullish(),
    amount: z.coerce.number().nonnegative(),
    currency: z.string().regex(/^[A-Za-z]{3}$/),
  }),
  status: z.string().optional(),
});
const ResponseData = z.object({ message: z.string().optional() }).optional();

export class StreamElementsConnection extends ServiceConnection {
  readonly service = 'streamelements';
  readonly label = 'StreamElements';
  private ws: WebSocket | undefined;

  constructor(
    private readonly se: Readonly<DonationsConfig['streamelements']>,
    opts: ConnectionOptions,
  ) {
    super(opts);
  }

  protected connect(generation: number): void {
    const ws = new WebSocket(this.se.url, { handshakeTimeout: this.opts.cfg.connect_timeout_ms });
    this.ws = ws;
    const nonce = randomUUID();
    ws.on('open', () => {
      this.heartbeat(ws, generation);
      const data = { topic: TIPS_TOPIC, token: this.opts.token, token_type: this.se.token_type, ...(this.se.channel_id ? { room: this.se.channel_id } : {}) };
      ws.send(JSON.stringify({ type: 'subscribe', nonce, data }));
    });
    ws.on('message', (raw) => this.onMessage(generation, nonce, raw.toString()));
    ws.on('error', (err) => {
      this.lastError = this.redact(err.message);
    });
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      if (status === 401 || status === 403) this.unauthorized(generation, `the gateway answered HTTP ${status}`);
      else this.fail(generation, `the gateway answered HTTP ${status}`);
    });
    ws.on('close', (code) => this.fail(generation, `closed (${code})`));
  }

  protected close(): void {
    const ws = this.ws;
    this.ws = undefined;
    if (!ws) return;
    ws.removeAllListeners();
    ws.on('error', () => undefined);
    ws.terminate();
  }

  private onMessage(generation: number, nonce: string, text: string): void {
    if (!this.current(generation)) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.opts.log.warn({ event: 'donations.bad_frame', service: this.service, bytes: text.length }, 'StreamElements sent a frame that is not JSON');
      return;
    }
    const env = Envelope.safeParse(json);
    if (!env.success) return;
    const type = env.data.type.toLowerCase();
    if (type === 'response' && env.data.nonce === nonce) {
      const said = ResponseData.safeParse(env.data.data);
      const message = said.success ? (said.data?.message ?? '') : '';
      if (env.data.error === 'err_unauthorized') return this.unauthorized(generation, `${env.data.error}${message ? `: ${message}` : ''}`);
      if (env.data.error) return this.fail(generation, `subscribe refused: ${env.data.error}${message ? `: ${message}` : ''}`);
      return this.ready(generation, `StreamElements connected (${TIPS_TOPIC})`);
    }
    if (type !== 'message' || env.data.topic !== TIPS_TOPIC) return;
    const tip = Tip.safeParse(env.data.data);
    if (!tip.success) {
      this.opts.log.warn({ event: 'donations.bad_event', service: this.service, field: tip.error.issues[0]?.path.join('.') }, 'StreamElements tip outside the documented shape');
      return;
    }
    const t = tip.data;
    // A tip held by tip moderation (or refused) is not completed yet: the docs' event is the completed tip.
    if (t.status !== undefined && t.status !== 'success') return;
    this.donation(generation, {
      id: t._id,
      name: t.donation.user?.username?.trim() ?? '',
      amount: t.donation.amount,
      currency: t.donation.currency,
      message: t.donation.message ?? '',
      // Astro's channel.tips has no test flag; dashboard test alerts are not sent on this topic.
      test: false,
    });
  }
}
