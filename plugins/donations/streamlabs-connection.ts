// Streamlabs donations over the Socket API, as documented at https://dev.streamlabs.com/docs/socket-api:
// a socket.io connection to https://sockets.streamlabs.com?token=<socket API token>, then `event`
// messages {type, for, event_id, message: [...]}; a donation is type `donation` (for `streamlabs`),
// each entry {id, _id, name, amount, formatted_amount, currency, message, isTest?}.
// The endpoint speaks socket.io 2 (Engine.IO 3): socket.io-client 3+ cannot connect to it (see
// codeoverflow-org/nodecg-io#159 and socket.io's compatibility table), so this uses socket.io-client 2.
// A token it refuses comes back as a namespace error "Authentication error" (Locxion/NanoTwitchLeafs#32).
import io from 'socket.io-client';
import { z } from 'zod';
import type { DonationsConfig } from './config.ts';
import { ServiceConnection, type ConnectionOptions, type ServiceDonation } from './service-connection.ts';

const Amount = z.union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number)]);
const DonationEntry = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  _id: z.string().optional(),
  name: z.string().nullish(),
  from: z.string().nullish(),
  amount: Amount,
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  message: z.string().nullish(),
  isTest: z.boolean().optional(),
});
const Event = z.object({
  type: z.string(),
  for: z.string().optional(),
  event_id: z.string().optional(),
  message: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]),
});

const AUTH_ERROR = /auth|unauthori[sz]ed|invalid token|forbidden/i;

export class StreamlabsConnection extends ServiceConnection {
  readonly service = 'streamlabs';
  readonly label = 'Streamlabs';
  private socket: SocketIOClient.Socket | undefined;

  constructor(
    private readonly sl: Readonly<DonationsConfig['streamlabs']>,
    opts: ConnectionOptions,
  ) {
    super(opts);
  }

  protected connect(generation: number): void {
    // Reconnects are ours (one backoff and auth policy for every service), not socket.io's.
    const socket = io(this.sl.url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: this.opts.cfg.connect_timeout_ms, query: { token: this.opts.token } });
    this.socket = socket;
    socket.on('connect', () => this.ready(generation, 'Streamlabs connected (Socket API)'));
    socket.on('error', (err: unknown) => {
      const text = typeof err === 'string' ? err : err instanceof Error ? err.message : JSON.stringify(err);
      if (AUTH_ERROR.test(text)) this.unauthorized(generation, text);
      else this.fail(generation, `socket error: ${text}`);
    });
    socket.on('connect_error', (err: unknown) => this.fail(generation, `connect error: ${err instanceof Error ? err.message : String(err)}`));
    socket.on('connect_timeout', () => this.fail(generation, 'connect timeout'));
    socket.on('disconnect', (reason: string) => this.fail(generation, `disconnected (${reason})`));
    socket.on('event', (payload: unknown) => this.onEvent(generation, payload));
  }

  protected close(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.removeAllListeners();
    socket.close();
  }

  private onEvent(generation: number, payload: unknown): void {
    if (!this.current(generation)) return;
    const ev = Event.safeParse(payload);
    if (!ev.success || ev.data.type !== 'donation') return;
    const entries = Array.isArray(ev.data.message) ? ev.data.message : [ev.data.message];
    for (const [i, raw] of entries.entries()) {
      const d = DonationEntry.safeParse(raw);
      if (!d.success) {
        this.opts.log.warn({ event: 'donations.bad_event', service: this.service, field: d.error.issues[0]?.path.join('.') }, 'Streamlabs donation outside the documented shape');
        continue;
      }
      // The donation id stays the same when an alert is replayed from the dashboard; `_id` is the alert's.
      const id = d.data.id !== undefined ? String(d.data.id) : (d.data._id ?? (ev.data.event_id ? `${ev.data.event_id}:${i}` : undefined));
      if (id === undefined) {
        this.opts.log.warn({ event: 'donations.bad_event', service: this.service, field: 'id' }, 'Streamlabs donation without an id');
        continue;
      }
      const donation: ServiceDonation = {
        id,
        name: (d.data.name ?? d.data.from ?? '').trim(),
        amount: d.data.amount,
        currency: d.data.currency,
        message: d.data.message ?? '',
        test: d.data.isTest === true,
      };
      this.donation(generation, donation);
    }
  }
}
