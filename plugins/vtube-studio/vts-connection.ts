import type { Logger } from 'pino';
import WebSocket from 'ws';
import { backoffDelay, type BackoffOptions } from '../../src/core/retry.ts';
import type { TokenStore } from './token-store.ts';
import {
  ApiErrorDataSchema,
  AuthResponseSchema,
  encodeRequest,
  TokenResponseSchema,
  VTS_ERROR,
  VtsApiError,
  VtsMessageSchema,
} from './vts-protocol.ts';

/** `awaiting_allow`: VTube Studio shows the "Allow plugin?" popup and waits for the streamer's click. */
export type VtsState = 'connecting' | 'awaiting_allow' | 'connected' | 'reconnecting' | 'denied' | 'stopped';

export interface VtsConnectionOptions {
  url: string;
  pluginName: string;
  pluginDeveloper: string;
  tokens: TokenStore;
  requestTimeoutMs: number;
  allowTimeoutMs: number;
  backoff: BackoffOptions;
  log: Logger;
  onState(state: VtsState, detail: string): void;
  /** Authenticated for this session: hotkeys and parameters can be sent. */
  onReady(): void;
}

interface Pending {
  type: string;
  resolve(data: Record<string, unknown>): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One websocket session with VTube Studio: connect, authenticate with the stored token (or ask for one
 * and wait for "Allow"), then carry requests matched by `requestID`. A dropped connection is retried with
 * backoff; a refused popup waits for `reconnectNow()` so the streamer is not asked again and again.
 */
export class VtsConnection {
  private ws: WebSocket | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private authenticated = false;
  /** The last socket opened (so a retry says "authentication failed", not "not reachable"). */
  private opened = false;
  state: VtsState = 'connecting';
  attempts = 0;
  reconnects = 0;
  lastError: string | undefined;

  constructor(private readonly opts: VtsConnectionOptions) {}

  get ready(): boolean {
    return this.authenticated && this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop(new Error('stopped'));
    this.setState('stopped', 'stopped');
  }

  /** Drops the session and connects at once (admin "Reconnect", or after "Deny" to ask again). */
  reconnectNow(): void {
    clearTimeout(this.retryTimer);
    this.drop(new Error('reconnect requested'));
    this.attempts = 0;
    this.connect();
  }

  /** Sends one request; resolves with the answer's `data`, rejects with a VtsApiError or a timeout. */
  request(type: string, data?: Record<string, unknown>, timeoutMs = this.opts.requestTimeoutMs): Promise<Record<string, unknown>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('VTube Studio is not connected'));
    const id = `ve-${++this.nextId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`VTube Studio did not answer ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { type, resolve, reject, timer });
      ws.send(encodeRequest(id, type, data), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  /** Fire-and-forget send for high-rate requests (parameter injection); answers are still matched. */
  send(type: string, data: Record<string, unknown>, onError: (err: Error) => void): void {
    this.request(type, data).catch(onError);
  }

  private setState(state: VtsState, detail: string): void {
    this.state = state;
    this.opts.onState(state, detail);
  }

  private connect(): void {
    if (this.stopped) return;
    this.attempts++;
    this.authenticated = false;
    this.opened = false;
    this.setState(this.reconnects > 0 || this.attempts > 1 ? 'reconnecting' : 'connecting', `connecting to VTube Studio at ${this.opts.url}`);
    const ws = new WebSocket(this.opts.url, { handshakeTimeout: this.opts.requestTimeoutMs });
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.opened = true;
      void this.authenticate(ws);
    });
    ws.on('message', (raw) => this.onMessage(raw.toString()));
    ws.on('error', (err) => {
      this.lastError = err.message;
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.failPending(new Error('VTube Studio closed the connection'));
      if (this.authenticated) this.reconnects++;
      this.authenticated = false;
      if (!this.stopped && this.state !== 'denied') this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempts - 1, this.opts.backoff);
    const seconds = Math.round(delay / 100) / 10;
    if (this.state === 'awaiting_allow') this.opts.log.debug({ event: 'vts.popup_retry' }, 'still waiting for "Allow"; asking again');
    else if (this.opened) this.setState('reconnecting', `VTube Studio connection lost (${this.lastError ?? 'closed'}); retrying in ${seconds} s`);
    else this.setState('reconnecting', `VTube Studio is not reachable at ${this.opts.url} (${this.lastError ?? 'closed'}); retrying in ${seconds} s`);
    this.opts.log.info({ event: 'vts.retry', delay_ms: delay, attempt: this.attempts, error: this.lastError }, 'VTube Studio connection retry scheduled');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }

  private async authenticate(ws: WebSocket): Promise<void> {
    const { pluginName, pluginDeveloper, tokens, log } = this.opts;
    try {
      let token = tokens.read();
      if (token) {
        const auth = AuthResponseSchema.parse(await this.request('AuthenticationRequest', { pluginName, pluginDeveloper, authenticationToken: token }));
        if (!auth.authenticated) {
          // Revoked in VTube Studio, or VTS was reinstalled: the stored token is useless now.
          log.warn({ event: 'vts.token_rejected', reason: auth.reason }, 'VTube Studio rejected the stored token; asking for a new one');
          tokens.clear();
          token = undefined;
        }
      }
      if (!token) {
        this.setState('awaiting_allow', `click "Allow" in VTube Studio to let "${pluginName}" control the model`);
        log.info({ event: 'vts.awaiting_allow', plugin_name: pluginName }, 'waiting for the streamer to allow the plugin in VTube Studio');
        const granted = TokenResponseSchema.parse(await this.request('AuthenticationTokenRequest', { pluginName, pluginDeveloper }, this.opts.allowTimeoutMs));
        token = granted.authenticationToken;
        tokens.write(token);
        const auth = AuthResponseSchema.parse(await this.request('AuthenticationRequest', { pluginName, pluginDeveloper, authenticationToken: token }));
        if (!auth.authenticated) throw new Error(`VTube Studio did not accept the token it just granted: ${auth.reason}`);
      }
      if (this.ws !== ws) return;
      this.authenticated = true;
      this.attempts = 0;
      this.lastError = undefined;
      this.setState('connected', `connected to VTube Studio at ${this.opts.url}`);
      log.info({ event: 'vts.connected', url: this.opts.url }, 'connected to VTube Studio');
      this.opts.onReady();
    } catch (err) {
      if (this.ws !== ws) return;
      if (err instanceof VtsApiError && err.errorID === VTS_ERROR.TOKEN_REQUEST_DENIED) {
        this.lastError = 'the streamer clicked "Deny"';
        this.setState('denied', `VTube Studio access was denied; use Reconnect in the admin page to ask again`);
        log.warn({ event: 'vts.denied' }, 'the streamer denied the plugin in VTube Studio');
        ws.close();
        return;
      }
      if (err instanceof VtsApiError && err.errorID === VTS_ERROR.TOKEN_REQUEST_ONGOING) {
        // The popup from an earlier attempt is still open: keep saying so, and ask again later.
        ws.close();
        return;
      }
      this.lastError = err instanceof Error ? err.message : String(err);
      log.warn({ event: 'vts.auth_failed', error: this.lastError }, 'VTube Studio authentication failed');
      ws.close();
    }
  }

  private onMessage(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.opts.log.warn({ event: 'vts.bad_json', bytes: text.length }, 'VTube Studio sent a frame that is not JSON');
      return;
    }
    const parsed = VtsMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.opts.log.warn({ event: 'vts.bad_message', issue: parsed.error.issues[0]?.path.join('.') }, 'VTube Studio sent a message outside its API format');
      return;
    }
    const msg = parsed.data;
    const pending = msg.requestID === undefined ? undefined : this.pending.get(msg.requestID);
    if (!pending || msg.requestID === undefined) return; // events and late answers
    this.pending.delete(msg.requestID);
    clearTimeout(pending.timer);
    const data = msg.data ?? {};
    if (msg.messageType === 'APIError') {
      const e = ApiErrorDataSchema.safeParse(data);
      const err = new VtsApiError(e.success ? e.data.errorID : -1, e.success ? e.data.message : 'unreadable error', pending.type);
      pending.reject(err);
      // Access revoked while connected: start over (the stored token is asked for again).
      if (this.authenticated && (err.errorID === VTS_ERROR.REQUIRES_AUTHENTICATION || err.errorID === VTS_ERROR.TOKEN_REQUEST_DENIED)) {
        this.opts.log.warn({ event: 'vts.access_lost', error_id: err.errorID }, 'VTube Studio no longer accepts this plugin; re-authenticating');
        this.ws?.close();
      }
      return;
    }
    pending.resolve(data);
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  private drop(err: Error): void {
    const ws = this.ws;
    this.ws = undefined;
    this.authenticated = false;
    this.failPending(err);
    if (ws) {
      ws.removeAllListeners('close');
      ws.on('error', () => undefined);
      ws.terminate();
    }
  }
}
