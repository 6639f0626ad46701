// Twitch EventSub over websocket, as documented at dev.twitch.tv/docs/eventsub/handling-websocket-events:
// `session_welcome` (session id, keepalive_timeout_seconds) → create subscriptions over Helix
// (POST /eventsub/subscriptions with transport {method: websocket, session_id}) → `session_keepalive`,
// `notification`, `revocation`; `session_reconnect` gives a reconnect_url: connect there, wait for its
// welcome, then close the old socket (subscriptions carry over). No message within the keepalive
// timeout means the connection is dead: reconnect from scratch.
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { z } from 'zod';
import { backoffDelay, type BackoffOptions } from '../../../src/core/retry.ts';
import { RecentIds } from '../../../src/chat/recent-ids.ts';

export type EventsubState = 'connecting' | 'subscribing' | 'connected' | 'reconnecting' | 'auth_failed' | 'stopped';

const MessageSchema = z.object({
  metadata: z.object({ message_id: z.string(), message_type: z.string(), message_timestamp: z.string().optional(), subscription_type: z.string().optional() }),
  payload: z.record(z.string(), z.unknown()),
});
const SessionSchema = z.object({ id: z.string(), keepalive_timeout_seconds: z.number().int().positive().nullish(), reconnect_url: z.string().nullish() });
const NotificationSchema = z.object({ subscription: z.object({ type: z.string(), status: z.string().optional() }), event: z.record(z.string(), z.unknown()).optional() });

export interface Subscription {
  type: string;
  version: string;
  condition: Record<string, string>;
}

export interface EventsubOptions {
  url: string;
  helixUrl: string;
  clientId: string;
  token: string;
  /** Env var the token came from, named in the status when Twitch refuses it. */
  tokenEnv: string;
  subscriptions: Subscription[];
  backoff: BackoffOptions;
  log: Logger;
  onState(state: EventsubState, detail: string): void;
  onNotification(type: string, event: Record<string, unknown>, messageId: string): void;
  onRevocation(type: string, status: string): void;
}

export class EventsubConnection {
  private ws: WebSocket | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly seen = new RecentIds(5_000);
  private stopped = false;
  private failures = 0;
  state: EventsubState = 'connecting';
  sessionId: string | undefined;
  reconnects = 0;
  subscribed: string[] = [];
  revoked: string[] = [];
  lastError: string | undefined;

  constructor(private readonly opts: EventsubOptions) {}

  start(): void {
    this.open(this.opts.url, false);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.keepaliveTimer);
    clearTimeout(this.retryTimer);
    this.kill(this.ws);
    this.ws = undefined;
    this.setState('stopped', 'stopped');
  }

  private setState(state: EventsubState, detail: string): void {
    this.state = state;
    this.opts.onState(state, detail);
  }

  private kill(ws: WebSocket | undefined): void {
    if (!ws) return;
    ws.removeAllListeners();
    ws.on('error', () => undefined);
    ws.terminate();
  }

  /** `migrating`: a session_reconnect; the old socket stays until the new one's welcome. */
  private open(url: string, migrating: boolean): void {
    if (this.stopped) return;
    if (!migrating) this.setState(this.reconnects > 0 || this.failures > 0 ? 'reconnecting' : 'connecting', 'connecting to Twitch EventSub');
    const ws = new WebSocket(url, { handshakeTimeout: 10_000 });
    const previous = migrating ? this.ws : undefined;
    if (!migrating) {
      this.kill(this.ws);
      this.ws = ws;
    }
    ws.on('message', (raw) => this.onMessage(ws, raw.toString(), previous));
    ws.on('error', (err) => {
      this.lastError = err.message;
    });
    ws.on('close', (code) => {
      if (this.ws !== ws || this.stopped) return;
      this.lastError = this.lastError ?? `closed (${code})`;
      this.retry();
    });
  }

  private retry(): void {
    clearTimeout(this.keepaliveTimer);
    this.kill(this.ws);
    this.ws = undefined;
    this.sessionId = undefined;
    if (this.stopped || this.state === 'auth_failed') return;
    const delay = backoffDelay(this.failures++, this.opts.backoff);
    this.setState('reconnecting', `EventSub connection lost (${this.lastError ?? 'closed'}); retrying in ${Math.round(delay / 100) / 10} s`);
    this.retryTimer = setTimeout(() => this.open(this.opts.url, false), delay);
    this.retryTimer.unref();
  }

  private armKeepalive(ws: WebSocket, seconds: number): void {
    clearTimeout(this.keepaliveTimer);
    // Twitch sends a keepalive when nothing else was sent for `keepalive_timeout_seconds`; allow some slack.
    this.keepaliveTimer = setTimeout(() => {
      if (this.ws !== ws) return;
      this.lastError = `no message within the ${seconds} s keepalive timeout`;
      this.opts.log.warn({ event: 'twitch.eventsub_keepalive_missed', timeout_s: seconds }, 'EventSub keepalive missed; reconnecting');
      this.reconnects++;
      this.retry();
    }, seconds * 1000 + 1_000);
    this.keepaliveTimer.unref();
  }

  private keepaliveSeconds = 10;

  private onMessage(ws: WebSocket, text: string, previous: WebSocket | undefined): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.opts.log.warn({ event: 'twitch.eventsub_bad_json', bytes: text.length }, 'EventSub sent a frame that is not JSON');
      return;
    }
    const parsed = MessageSchema.safeParse(json);
    if (!parsed.success) {
      this.opts.log.warn({ event: 'twitch.eventsub_bad_message', issue: parsed.error.issues[0]?.path.join('.') }, 'EventSub message outside the documented shape');
      return;
    }
    const { metadata, payload } = parsed.data;
    if (this.seen.seen(metadata.message_id)) return; // Twitch may resend a message: process it once.
    switch (metadata.message_type) {
      case 'session_welcome': {
        const session = SessionSchema.safeParse(payload.session);
        if (!session.success) return;
        this.keepaliveSeconds = session.data.keepalive_timeout_seconds ?? this.keepaliveSeconds;
        const migrated = previous !== undefined || (this.ws !== ws && this.ws !== undefined);
        if (this.ws !== ws) {
          // The reconnect_url's welcome: switch over, then close the old socket.
          const old = this.ws;
          this.ws = ws;
          this.kill(old);
        }
        this.sessionId = session.data.id;
        this.armKeepalive(ws, this.keepaliveSeconds);
        if (migrated) {
          this.opts.log.info({ event: 'twitch.eventsub_migrated' }, 'EventSub moved to a new connection; subscriptions carried over');
          this.setState('connected', `EventSub connected (${this.subscribed.join(', ')})`);
          return;
        }
        void this.subscribe(session.data.id);
        return;
      }
      case 'session_keepalive':
        if (this.ws === ws) this.armKeepalive(ws, this.keepaliveSeconds);
        return;
      case 'session_reconnect': {
        const session = SessionSchema.safeParse(payload.session);
        const url = session.success ? session.data.reconnect_url : undefined;
        if (!url) return;
        this.opts.log.info({ event: 'twitch.eventsub_reconnect' }, 'EventSub asked to reconnect');
        this.reconnects++;
        this.open(url, true);
        return;
      }
      case 'notification': {
        if (this.ws === ws) this.armKeepalive(ws, this.keepaliveSeconds);
        const n = NotificationSchema.safeParse(payload);
        if (n.success && n.data.event) this.opts.onNotification(n.data.subscription.type, n.data.event, metadata.message_id);
        return;
      }
      case 'revocation': {
        const n = NotificationSchema.safeParse(payload);
        if (!n.success) return;
        const status = n.data.subscription.status ?? 'revoked';
        this.revoked.push(n.data.subscription.type);
        this.subscribed = this.subscribed.filter((t) => t !== n.data.subscription.type);
        this.opts.log.warn({ event: 'twitch.eventsub_revoked', type: n.data.subscription.type, status }, 'Twitch revoked an EventSub subscription');
        this.opts.onRevocation(n.data.subscription.type, status);
        this.setState('connected', `EventSub subscription ${n.data.subscription.type} revoked (${status})${this.subscribed.length ? `; still active: ${this.subscribed.join(', ')}` : ''}`);
        return;
      }
      default:
        return;
    }
  }

  private async subscribe(sessionId: string): Promise<void> {
    this.setState('subscribing', 'creating EventSub subscriptions');
    const done: string[] = [];
    for (const sub of this.opts.subscriptions) {
      let res: Response;
      try {
        res = await fetch(`${this.opts.helixUrl.replace(/\/+$/, '')}/eventsub/subscriptions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.opts.token}`, 'client-id': this.opts.clientId, 'content-type': 'application/json' },
          body: JSON.stringify({ type: sub.type, version: sub.version, condition: sub.condition, transport: { method: 'websocket', session_id: sessionId } }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        this.lastError = `Helix unreachable: ${err instanceof Error ? err.message : String(err)}`;
        this.retry();
        return;
      }
      if (sessionId !== this.sessionId) return;
      if (res.status === 401 || res.status === 403) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        this.lastError = `Helix refused ${sub.type}: ${res.status} ${String(body.message ?? '').slice(0, 200)}`;
        this.opts.log.warn({ event: 'twitch.eventsub_auth_failed', type: sub.type, status: res.status }, 'Twitch refused the EventSub token');
        this.setState('auth_failed', `Twitch refused the EventSub token (${res.status}) for ${sub.type}; check ${this.opts.tokenEnv} and its scopes`);
        clearTimeout(this.keepaliveTimer);
        this.kill(this.ws);
        this.ws = undefined;
        return;
      }
      if (res.status !== 202 && res.status !== 409) {
        this.lastError = `Helix ${res.status} for ${sub.type}`;
        this.opts.log.warn({ event: 'twitch.eventsub_subscribe_failed', type: sub.type, status: res.status }, 'creating an EventSub subscription failed');
        continue;
      }
      done.push(sub.type);
    }
    this.subscribed = done;
    this.failures = 0;
    this.setState('connected', `EventSub connected (${done.join(', ') || 'no subscriptions'})`);
  }
}
