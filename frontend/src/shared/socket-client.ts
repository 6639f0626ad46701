import { createLogger, setLogContext } from './logger.ts';
import type { ClientMessage, ServerMessage } from './protocol-types.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';
type Handler = (m: ServerMessage) => void;

const log = createLogger('ws');

export interface SocketClientOptions {
  url?: string;
  /** Backoff: first delay and cap, in ms; each failure doubles the delay, with ±20 % jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * The page's websocket to the engine: typed messages, automatic reconnect with backoff, a visible
 * connection state, and `ws_seq` (messages received on this connection) in every log line.
 */
export class SocketClient {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: number | undefined;
  private seq = 0;
  private stopped = false;
  private readonly handlers = new Set<Handler>();
  private readonly stateHandlers = new Set<(s: ConnectionState, retryMs?: number) => void>();
  private readonly opts: Required<SocketClientOptions>;
  state: ConnectionState = 'closed';
  clientUid: string | undefined;

  constructor(opts: SocketClientOptions = {}) {
    this.opts = {
      url: opts.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
      minDelayMs: opts.minDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 10_000,
    };
  }

  onMessage(h: Handler): () => void {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }

  onState(h: (s: ConnectionState, retryMs?: number) => void): () => void {
    this.stateHandlers.add(h);
    return () => this.stateHandlers.delete(h);
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    this.stopped = false;
    this.setState('connecting');
    const ws = new WebSocket(this.opts.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.seq = 0;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState('open');
      log.info('ws.open');
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      this.seq++;
      setLogContext({ ws_seq: this.seq });
      let msg: ServerMessage;
      try {
        msg = JSON.parse(ev.data) as ServerMessage;
      } catch {
        log.warn('ws.bad_json');
        return;
      }
      if (msg.type === 'hello') {
        this.clientUid = msg.clientUid;
        setLogContext({ client_uid: msg.clientUid });
      }
      for (const h of this.handlers) {
        try {
          h(msg);
        } catch (err) {
          log.error('ws.handler_failed', { type: msg.type, name: err instanceof Error ? err.name : typeof err });
        }
      }
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.stopped) {
        this.setState('closed');
        return;
      }
      const delay = Math.round(Math.min(this.opts.maxDelayMs, this.opts.minDelayMs * 2 ** this.attempt++) * (0.8 + Math.random() * 0.4));
      log.warn('ws.closed', { code: ev.code, retry_ms: delay, attempt: this.attempt });
      this.setState('closed', delay);
      this.timer = window.setTimeout(() => this.connect(), delay);
    };
  }

  send(message: ClientMessage): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  sendBinary(data: ArrayBuffer): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    // Drop mic frames rather than queue them when the socket is backed up (latency beats completeness).
    if (this.ws.bufferedAmount > 256 * 1024) return false;
    this.ws.send(data);
    return true;
  }

  close(): void {
    this.stopped = true;
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.ws?.close();
  }

  private setState(s: ConnectionState, retryMs?: number): void {
    this.state = s;
    for (const h of this.stateHandlers) h(s, retryMs);
  }
}
