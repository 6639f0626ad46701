import tmi from 'tmi.js';
import type { Logger } from 'pino';
import { backoffDelay, type BackoffOptions } from '../../src/core/retry.ts';
import { attachEventHandlers, type TwitchEvent } from './twitch-events.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'auth_failed' | 'stopped';

export interface ConnectionOptions {
  channel: string;
  /** Bot login and OAuth token; without a token the connection is anonymous and read-only. */
  username: string | undefined;
  token: string | undefined;
  /** Name of the env var the token came from, for diagnoses. */
  tokenEnv: string;
  server: { host: string; port: number; secure: boolean };
  connectTimeoutMs: number;
  reconnect: BackoffOptions;
  authRetry: BackoffOptions;
  log: Logger;
  onEvent(event: TwitchEvent): void;
  onState(state: ConnectionState, detail: string): void;
}

/** A connection that stayed up this long resets the reconnect backoff. */
const STABLE_MS = 30_000;

/** Turns Twitch's login NOTICE texts into a diagnosis a streamer can act on; undefined if not an auth problem. */
export function diagnoseAuthFailure(reason: string, tokenEnv: string): string | undefined {
  if (/Improperly formatted auth/i.test(reason)) return `Twitch refused the OAuth token as malformed: ${tokenEnv} must hold a chat token such as oauth:abc123...`;
  if (/Invalid NICK/i.test(reason)) return 'Twitch refused the bot username (Invalid NICK): set plugins.twitch.bot_username to the login of the account that owns the token';
  if (/Login authentication failed|Login unsuccessful|Error logging in/i.test(reason)) {
    return `Twitch rejected the OAuth token (Login authentication failed): it is invalid, expired or revoked. Create a new chat token for the bot account and put it in ${tokenEnv}`;
  }
  return undefined;
}

/**
 * Owns the tmi.js client. tmi's own reconnect is off: every attempt is a fresh client, scheduled
 * here with backoff and jitter, so there is never more than one attempt per backoff step and a
 * rejected token backs off slowly instead of hammering Twitch.
 */
export class TwitchConnection {
  private client: tmi.Client | undefined;
  private detach: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private authFailures = 0;
  private joinedAt: number | undefined;
  private current: ConnectionState = 'connecting';
  /** Connection attempts made (the first one included). */
  attempts = 0;
  /** Successful reconnections after a drop. */
  reconnects = 0;
  lastError: string | undefined;
  everConnected = false;

  constructor(private readonly opts: ConnectionOptions) {}

  get state(): ConnectionState {
    return this.current;
  }

  get anonymous(): boolean {
    return this.opts.token === undefined;
  }

  start(): void {
    this.setState('connecting', `connecting to #${this.opts.channel}`);
    this.attempt();
  }

  /** Drops the current connection (if any) and connects again at once (admin action after fixing a token). */
  reconnectNow(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.retire();
    this.failures = 0;
    this.authFailures = 0;
    this.setState('connecting', `connecting to #${this.opts.channel}`);
    this.attempt();
  }

  /** Sends a chat line as the bot; false when anonymous or not connected. */
  async say(text: string): Promise<boolean> {
    const client = this.client;
    if (!client || this.anonymous || this.current !== 'connected') return false;
    await client.say(this.opts.channel, text);
    return true;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const closing = this.retire();
    this.current = 'stopped';
    await closing;
  }

  private setState(state: ConnectionState, detail: string): void {
    this.current = state;
    this.opts.onState(state, detail);
  }

  private attempt(): void {
    if (this.stopped) return;
    this.attempts++;
    const { host, port, secure } = this.opts.server;
    const client = new tmi.Client({
      options: { skipMembership: true, skipUpdatingEmotesets: true, joinInterval: 300 },
      connection: { server: host, port, secure, reconnect: false },
      ...(this.opts.token ? { identity: { username: this.opts.username ?? '', password: this.opts.token } } : {}),
      channels: [this.opts.channel],
      logger: this.tmiLogger(),
    });
    this.client = client;
    this.joinedAt = undefined;
    this.detach = attachEventHandlers(client, (event) => {
      if (this.client === client) this.opts.onEvent(event);
    });
    client.on('join', (_channel, _user, self) => {
      if (!self || this.client !== client) return;
      clearTimeout(this.timer);
      this.joinedAt = Date.now();
      if (this.everConnected) this.reconnects++;
      this.everConnected = true;
      this.authFailures = 0;
      this.lastError = undefined;
      this.opts.log.info({ event: 'twitch.connected', channel: this.opts.channel, anonymous: this.anonymous, attempt: this.attempts }, 'joined Twitch channel');
      this.setState('connected', `joined #${this.opts.channel}${this.anonymous ? ' (anonymous, read-only)' : ''}`);
    });
    client.on('disconnected', (reason) => this.onDropped(client, String(reason)));
    this.timer = setTimeout(() => this.onDropped(client, `no welcome or channel join within ${this.opts.connectTimeoutMs} ms`), this.opts.connectTimeoutMs);
    client.connect().catch(() => {
      // The failure also arrives as 'disconnected', which schedules the retry.
    });
  }

  private onDropped(client: tmi.Client, reason: string): void {
    if (this.client !== client || this.stopped) return;
    clearTimeout(this.timer);
    const lasted = this.joinedAt === undefined ? 0 : Date.now() - this.joinedAt;
    void this.retire();
    const authProblem = this.anonymous ? undefined : diagnoseAuthFailure(reason, this.opts.tokenEnv);
    if (authProblem) {
      const delay = backoffDelay(this.authFailures++, this.opts.authRetry);
      this.lastError = authProblem;
      this.opts.log.error({ event: 'twitch.auth_failed', channel: this.opts.channel, username: this.opts.username, retry_ms: delay, attempt: this.attempts }, authProblem);
      this.setState('auth_failed', `${authProblem} (next try in ${Math.round(delay / 1000)} s)`);
      this.schedule(delay);
      return;
    }
    if (lasted >= STABLE_MS) this.failures = 0;
    const delay = backoffDelay(this.failures++, this.opts.reconnect);
    this.lastError = reason;
    this.opts.log.warn({ event: 'twitch.disconnected', channel: this.opts.channel, reason, retry_ms: delay, attempt: this.attempts }, 'Twitch connection lost; reconnecting');
    this.setState('reconnecting', `reconnecting to #${this.opts.channel} in ${Math.round(delay / 100) / 10} s: ${reason}`);
    this.schedule(delay);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attempt();
    }, delay);
  }

  /** Detaches and closes the current client. */
  private async retire(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.detach?.();
    this.detach = undefined;
    // NOTE: tmi.js answers a server RECONNECT with its own delayed connect() even when reconnect is
    // off; a retired client must never open a socket again.
    (client as unknown as { connect: () => Promise<unknown> }).connect = () => Promise.reject(new Error('retired'));
    client.removeAllListeners('join');
    client.removeAllListeners('disconnected');
    const state = client.readyState();
    if (state === 'OPEN' || state === 'CONNECTING') {
      await Promise.race([client.disconnect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    }
  }

  private tmiLogger(): { info(message: string): void; warn(message: string): void; error(message: string): void } {
    // tmi logs every chat line at info: drop those (no transcripts in logs); keep its warnings at debug.
    const log = this.opts.log;
    const short = (m: unknown): string => String(m).slice(0, 200);
    return {
      info: () => undefined,
      warn: (m) => log.debug({ event: 'twitch.tmi_warning', detail: short(m) }, 'tmi.js warning'),
      error: (m) => log.debug({ event: 'twitch.tmi_error', detail: short(m) }, 'tmi.js error'),
    };
  }
}
