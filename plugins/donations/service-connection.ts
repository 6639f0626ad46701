import type { Logger } from 'pino';
import type WebSocket from 'ws';
import { backoffDelay, type BackoffOptions } from '../../src/core/retry.ts';
import type { BackoffConfig, DonationsConfig, ServiceName } from './config.ts';

export type ConnectionState = 'not_configured' | 'connecting' | 'connected' | 'reconnecting' | 'unauthorized' | 'stopped';

/** A donation as one service reported it, already read from its wire format. */
export interface ServiceDonation {
  id: string;
  name: string;
  amount: number;
  currency: string;
  message: string;
  /** A test alert sent from the service's dashboard. */
  test: boolean;
}

export interface ConnectionOptions {
  token: string;
  /** The env var the token came from, named in the status when the service refuses it. */
  tokenEnv: string;
  cfg: Readonly<DonationsConfig>;
  log: Logger;
  onState(): void;
  onDonation(donation: ServiceDonation): void;
}

const toBackoff = (b: BackoffConfig): BackoffOptions => ({ initialMs: b.initial_ms, maxMs: b.max_ms, factor: b.factor, jitter: b.jitter });
const seconds = (ms: number): string => (ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 100) / 10} s`);

/**
 * One donation service's connection life: connect, a deadline for the handshake, reconnect with the
 * project's backoff after a drop, a slow retry after a refused token (no reconnect storm), and a
 * generation number so callbacks of a torn-down connection change nothing.
 */
export abstract class ServiceConnection {
  abstract readonly service: ServiceName;
  /** Shown to people: `StreamElements`. */
  abstract readonly label: string;
  state: ConnectionState = 'connecting';
  detail = 'starting';
  connects = 0;
  reconnects = 0;
  lastError: string | undefined;
  connectedAt: number | undefined;
  private generation = 0;
  private failures = 0;
  private authFailures = 0;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private readonly secrets: string[];

  constructor(protected readonly opts: ConnectionOptions) {
    this.secrets = [opts.token];
  }

  /** Opens the connection for `generation`; reports through `ready`, `fail`, `unauthorized`, `donation`. */
  protected abstract connect(generation: number): void;
  /** Tears the current connection down; nothing it does afterwards may reach this object. */
  protected abstract close(): void;

  start(): void {
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.deadline);
    this.close();
    this.setState('stopped', 'stopped');
  }

  /** Another secret (e.g. a token the service handed out) that must never reach a log line or the status. */
  protected addSecret(secret: string): void {
    if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  /** `text` with every known secret replaced by `***`. */
  protected redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (s.length >= 4) out = out.split(s).join('***');
    return out.slice(0, 300);
  }

  protected current(generation: number): boolean {
    return !this.stopped && generation === this.generation;
  }

  private setState(state: ConnectionState, detail: string): void {
    this.state = state;
    this.detail = detail;
    this.opts.onState();
  }

  private open(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.connects++;
    this.setState(this.failures > 0 || this.authFailures > 0 ? 'reconnecting' : 'connecting', `connecting to ${this.label}`);
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.fail(generation, `not connected within ${seconds(this.opts.cfg.connect_timeout_ms)}`), this.opts.cfg.connect_timeout_ms);
    this.deadline.unref();
    try {
      this.connect(generation);
    } catch (err) {
      this.fail(generation, err instanceof Error ? err.message : String(err));
    }
  }

  protected ready(generation: number, detail: string): void {
    if (!this.current(generation)) return;
    clearTimeout(this.deadline);
    this.failures = 0;
    this.authFailures = 0;
    this.connectedAt = Date.now();
    this.opts.log.info({ event: 'donations.connected', service: this.service, connects: this.connects }, 'donation service connected');
    this.setState('connected', detail);
  }

  /** A drop or a failed step: tear down and reconnect with backoff. */
  protected fail(generation: number, reason: string): void {
    if (!this.current(generation)) return;
    this.teardown();
    this.lastError = this.redact(reason);
    const delay = backoffDelay(this.failures++, toBackoff(this.opts.cfg.reconnect));
    this.reconnects++;
    this.opts.log.warn({ event: 'donations.connection_lost', service: this.service, reason: this.lastError, retry_ms: delay }, 'donation service connection lost; reconnecting');
    this.setState('reconnecting', `${this.label}: ${this.lastError}; reconnecting in ${seconds(delay)}`);
    this.schedule(delay);
  }

  /** The service refused the token: say which env var to fix, and try again only slowly. */
  protected unauthorized(generation: number, reason: string): void {
    if (!this.current(generation)) return;
    this.teardown();
    this.lastError = this.redact(reason);
    const delay = backoffDelay(this.authFailures++, toBackoff(this.opts.cfg.auth_retry));
    this.opts.log.warn({ event: 'donations.unauthorized', service: this.service, token_env: this.opts.tokenEnv, reason: this.lastError, retry_ms: delay }, 'donation service refused the token');
    this.setState('unauthorized', `${this.label} refused the token in ${this.opts.tokenEnv} (${this.lastError}); fix it and restart, or wait for the next try in ${seconds(delay)}`);
    this.schedule(delay);
  }

  protected donation(generation: number, donation: ServiceDonation): void {
    if (this.current(generation)) this.opts.onDonation(donation);
  }

  /**
   * Websocket ping frames (RFC 6455 §5.5.2: the peer must answer with a pong). No pong by the next
   * ping means the connection died silently (sleep, a dropped route): reconnect.
   */
  protected heartbeat(ws: WebSocket, generation: number): void {
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    const timer = setInterval(() => {
      if (!this.current(generation)) return clearInterval(timer);
      if (!alive) {
        clearInterval(timer);
        this.fail(generation, `no pong within ${seconds(this.opts.cfg.ping_interval_ms)}`);
        return;
      }
      alive = false;
      ws.ping();
    }, this.opts.cfg.ping_interval_ms);
    timer.unref();
    ws.once('close', () => clearInterval(timer));
  }

  private teardown(): void {
    this.generation++;
    clearTimeout(this.deadline);
    clearTimeout(this.retryTimer);
    this.connectedAt = undefined;
    this.close();
  }

  private schedule(delay: number): void {
    this.retryTimer = setTimeout(() => this.open(), delay);
    this.retryTimer.unref();
  }
}
