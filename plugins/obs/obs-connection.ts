// NOTE: the JSON build on purpose: the package's default Node export speaks msgpack.
import OBSWebSocket, { OBSWebSocketError, type OBSRequestTypes, type OBSResponseTypes } from 'obs-websocket-js/json';
import type { Logger } from 'pino';
import { EngineError } from '../../src/core/errors.ts';
import { backoffDelay, sleep, withTimeout, type BackoffOptions } from '../../src/core/retry.ts';

/** `unresponsive`: the socket is open but OBS stopped answering (frozen); a reconnect is forced. */
export type ObsConnectionState = 'disabled' | 'connecting' | 'connected' | 'unresponsive' | 'reconnecting' | 'auth_failed';

export interface ObsVersions {
  obsVersion: string;
  obsWebSocketVersion: string;
  rpcVersion: number;
}

export interface ObsConnectionSnapshot {
  state: ObsConnectionState;
  url: string;
  versions?: ObsVersions;
  currentScene?: string;
  /** Failed connection attempts since the last success. */
  attempts: number;
  /** When the next attempt runs (epoch ms), while reconnecting. */
  nextAttemptAt?: number;
  lastError?: string;
}

export interface ObsConnectionOptions {
  url: string;
  /** Never logged, never put in status. */
  password: string | undefined;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  healthCheckMs: number;
  backoff: BackoffOptions;
  /** Backoff ceiling once OBS has answered in this run: it was there, so it is likely back soon. */
  knownUpMaxMs: number;
  log: Logger;
  signal: AbortSignal;
}

/** obs-websocket's close code for a wrong or missing password. */
const AUTH_FAILED_CLOSE = 4009;
/** requestStatus code for a scene, source, filter or item that does not exist. */
const RESOURCE_NOT_FOUND = 600;
const UNKNOWN_REQUEST_TYPE = 204;

/**
 * One obs-websocket v5 session kept alive: connects, checks health with GetVersion, reconnects
 * with backoff after a drop, and gives every request a timeout. A request that times out triggers
 * a health check at once; a failed check marks the connection `unresponsive` and forces a new
 * session without waiting for the old socket's close handshake (a frozen OBS never completes it).
 * A wrong password is reported as `auth_failed` (and retried slowly, in case the streamer fixes it).
 */
export class ObsConnection {
  private obs: OBSWebSocket | undefined;
  private closedSignal: Promise<never> | undefined;
  private snap: ObsConnectionSnapshot;
  private readonly listeners = new Set<(s: ObsConnectionSnapshot) => void>();
  private loop: Promise<void> | undefined;
  /** Own controller, so stop() ends the loop even before the owner's signal aborts. */
  private readonly controller = new AbortController();
  /** Ends the current session at once (health failure, reconnect now). */
  private endSession: ((reason: string) => void) | undefined;
  /** Cuts the current backoff sleep short (reconnect now). */
  private wake: AbortController | undefined;
  private healthRunning = false;
  private everConnected = false;

  constructor(private readonly opts: ObsConnectionOptions) {
    this.snap = { state: 'connecting', url: opts.url, attempts: 0 };
    if (opts.signal.aborted) this.controller.abort();
    else opts.signal.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  get snapshot(): ObsConnectionSnapshot {
    return { ...this.snap };
  }

  onChange(listener: (s: ObsConnectionSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the connect/reconnect loop in the background; it ends when the signal aborts. */
  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      this.opts.log.error({ event: 'obs.loop_failed', err }, 'OBS connection loop stopped');
    });
  }

  /** Ends the loop, closes the socket and waits for both. */
  async stop(): Promise<void> {
    this.controller.abort();
    const obs = this.obs;
    if (obs) await withTimeout(obs.disconnect(), 2000, () => new Error('disconnect timed out')).catch(() => undefined);
    await this.loop;
  }

  /**
   * Sends one request. Fails fast with UPSTREAM_UNREACHABLE when not connected, TIMEOUT when OBS
   * does not answer in time, NOT_FOUND (with `notFound` as the message) for code 600.
   */
  async request<T extends keyof OBSRequestTypes>(type: T, data?: OBSRequestTypes[T], notFound?: string): Promise<OBSResponseTypes[T]> {
    const obs = this.obs;
    const closed = this.closedSignal;
    if (!obs || !closed || this.snap.state !== 'connected') {
      throw new EngineError('UPSTREAM_UNREACHABLE', `OBS is not connected (${this.snap.state})`);
    }
    try {
      return await withTimeout(
        Promise.race([obs.call(type, data), closed]),
        this.opts.requestTimeoutMs,
        () => new EngineError('TIMEOUT', `OBS did not answer ${type} within ${this.opts.requestTimeoutMs} ms`),
      );
    } catch (err) {
      const mapped = mapObsError(type, err, notFound);
      // A request that times out is the first sign of a frozen OBS: check now, not at the next interval.
      if (mapped.code === 'TIMEOUT' && type !== 'GetVersion') void this.healthCheck(obs);
      throw mapped;
    }
  }

  /**
   * Drops the current session (or the wait before the next attempt) and connects again at once.
   * For the streamer's "reconnect now" after fixing OBS.
   */
  reconnectNow(): void {
    this.opts.log.info({ event: 'obs.reconnect_requested', state: this.snap.state }, 'OBS reconnect requested');
    this.endSession?.('reconnect requested');
    this.wake?.abort();
  }

  private set(patch: Partial<ObsConnectionSnapshot>, drop: Array<keyof ObsConnectionSnapshot> = []): void {
    const next: ObsConnectionSnapshot = { ...this.snap, ...patch };
    for (const k of drop) delete next[k];
    this.snap = next;
    for (const l of this.listeners) l(this.snapshot);
  }

  private async run(): Promise<void> {
    const { log } = this.opts;
    const signal = this.controller.signal;
    let attempt = 0;
    while (!signal.aborted) {
      const wake = new AbortController();
      this.wake = wake;
      const authFailed = await this.session(() => {
        attempt = 0;
      });
      if (signal.aborted) break;
      const delay = wake.signal.aborted ? 0 : this.nextDelay(attempt++);
      this.set({ state: authFailed ? 'auth_failed' : 'reconnecting', attempts: attempt, nextAttemptAt: Date.now() + delay }, ['versions']);
      log.debug({ event: 'obs.retry_scheduled', attempt, delay_ms: delay }, 'OBS reconnect scheduled');
      try {
        await sleep(delay, AbortSignal.any([signal, wake.signal]));
      } catch {
        if (signal.aborted) break;
      }
    }
  }

  /** Backoff with jitter; once OBS has been seen in this run, never more than `knownUpMaxMs`, jitter included. */
  private nextDelay(attempt: number): number {
    const delay = backoffDelay(attempt, this.opts.backoff);
    return this.everConnected ? Math.min(delay, this.opts.knownUpMaxMs) : delay;
  }

  /** One connection's life. Resolves when it ends; true when OBS refused the password. */
  private async session(onConnected: () => void): Promise<boolean> {
    const { log } = this.opts;
    const signal = this.controller.signal;
    const obs = new OBSWebSocket();
    let markClosed: (err: Error) => void = () => undefined;
    const closed = new Promise<never>((_, reject) => {
      markClosed = reject;
    });
    closed.catch(() => undefined);
    let forced: string | undefined;
    const ended = new Promise<void>((resolve) => {
      obs.on('ConnectionClosed', (err) => {
        markClosed(new EngineError('UPSTREAM_UNREACHABLE', `OBS connection closed (${err.code})`));
        resolve();
      });
      this.endSession = (reason) => {
        forced = reason;
        markClosed(new EngineError('UPSTREAM_UNREACHABLE', `OBS connection dropped: ${reason}`));
        resolve();
      };
    });
    const onAbort = (): void => void obs.disconnect().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    let health: NodeJS.Timeout | undefined;
    try {
      await withTimeout(obs.connect(this.opts.url, this.opts.password), this.opts.connectTimeoutMs, () => new EngineError('TIMEOUT', `no answer from OBS within ${this.opts.connectTimeoutMs} ms`));
      const version = await withTimeout(Promise.race([obs.call('GetVersion'), closed]), this.opts.requestTimeoutMs, () => new EngineError('TIMEOUT', 'GetVersion timed out'));
      const scene = await withTimeout(Promise.race([obs.call('GetCurrentProgramScene'), closed]), this.opts.requestTimeoutMs, () => new EngineError('TIMEOUT', 'GetCurrentProgramScene timed out'));
      this.obs = obs;
      this.closedSignal = closed;
      obs.on('CurrentProgramSceneChanged', ({ sceneName }) => this.set({ currentScene: sceneName }));
      const versions: ObsVersions = { obsVersion: version.obsVersion, obsWebSocketVersion: version.obsWebSocketVersion, rpcVersion: version.rpcVersion };
      onConnected();
      this.everConnected = true;
      this.set({ state: 'connected', versions, currentScene: scene.currentProgramSceneName, attempts: 0 }, ['nextAttemptAt', 'lastError']);
      log.info({ event: 'obs.connected', url: this.opts.url, ...versions }, 'connected to OBS');
      health = setInterval(() => void this.healthCheck(obs), this.opts.healthCheckMs);
      await ended;
      if (!signal.aborted) log.warn({ event: 'obs.disconnected', reason: forced ?? 'closed' }, 'OBS connection lost');
      return false;
    } catch (err) {
      const code = err instanceof OBSWebSocketError ? err.code : undefined;
      const authFailed = code === AUTH_FAILED_CLOSE;
      const message = authFailed ? 'OBS refused the password (set OBS_WEBSOCKET_PASSWORD)' : describeConnectError(err);
      this.set({ lastError: message });
      // A wrong password needs the streamer: warn once when it starts, not on every slow retry.
      if (authFailed && this.snap.state !== 'auth_failed' && !signal.aborted) log.warn({ event: 'obs.auth_failed', code }, 'OBS refused the password');
      else if (!signal.aborted) log.debug({ event: authFailed ? 'obs.auth_failed' : 'obs.connect_failed', code, reason: message }, 'OBS connection attempt failed');
      this.closeInBackground(obs);
      return authFailed;
    } finally {
      this.endSession = undefined;
      clearInterval(health);
      signal.removeEventListener('abort', onAbort);
      if (this.obs === obs) {
        this.obs = undefined;
        this.closedSignal = undefined;
      }
      if (forced !== undefined) this.closeInBackground(obs);
      else obs.removeAllListeners();
    }
  }

  /** Closes a socket without waiting: a frozen peer may never finish the close handshake. */
  private closeInBackground(obs: OBSWebSocket): void {
    void withTimeout(obs.disconnect(), 2000, () => new Error('disconnect timed out'))
      .catch(() => undefined)
      .finally(() => obs.removeAllListeners());
  }

  private async healthCheck(obs: OBSWebSocket | undefined): Promise<void> {
    if (!obs || this.obs !== obs || this.healthRunning) return;
    this.healthRunning = true;
    try {
      await this.request('GetVersion');
    } catch (err) {
      if (this.obs !== obs) return;
      const code = (err as EngineError).code;
      this.opts.log.warn({ event: 'obs.health_failed', code }, 'OBS health check failed; reconnecting');
      this.set({ state: 'unresponsive', lastError: code === 'TIMEOUT' ? 'OBS stopped answering' : 'health check failed' });
      this.endSession?.('health check failed');
    } finally {
      this.healthRunning = false;
    }
  }
}

function describeConnectError(err: unknown): string {
  if (err instanceof EngineError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  if (err instanceof OBSWebSocketError) return `closed with code ${err.code}`;
  return 'connection failed';
}

/** Turns an obs-websocket failure into a coded EngineError with a message a streamer understands. */
export function mapObsError(type: string, err: unknown, notFound?: string): EngineError {
  if (err instanceof EngineError) return err;
  if (err instanceof OBSWebSocketError) {
    if (err.code === RESOURCE_NOT_FOUND) return new EngineError('NOT_FOUND', notFound ?? `OBS: ${err.message}`, { details: { obsCode: err.code } });
    if (err.code === UNKNOWN_REQUEST_TYPE) return new EngineError('UPSTREAM_ERROR', `this OBS does not support ${type}`, { details: { obsCode: err.code } });
    return new EngineError('UPSTREAM_ERROR', `OBS refused ${type} (code ${err.code}): ${err.message}`, { details: { obsCode: err.code } });
  }
  return new EngineError('UPSTREAM_ERROR', `OBS request ${type} failed: ${err instanceof Error ? err.message : String(err)}`);
}
