import type { Logger } from 'pino';
import WebSocket, { type RawData } from 'ws';

type Json = Record<string, unknown>;

/**
 * One OLV client's connection to our own `/ws`. Frames sent before it opens wait in a bounded
 * backlog; the client's token goes first as `auth`, so our input guard decides what it may do.
 */
export class EngineLink {
  private readonly ws: WebSocket;
  private readonly backlog: Array<string | Buffer> = [];

  constructor(url: string, token: string | undefined, onMessage: (msg: Json) => void, onClose: () => void, log: Logger) {
    this.ws = new WebSocket(url);
    this.ws.on('open', () => {
      if (token !== undefined) this.ws.send(JSON.stringify({ type: 'auth', token }));
      for (const data of this.backlog.splice(0)) this.ws.send(data, { binary: Buffer.isBuffer(data) });
    });
    this.ws.on('message', (data: RawData) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch (err) {
        log.warn({ event: 'olv.engine_frame_failed', err }, 'could not read an engine message');
        return;
      }
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) onMessage(parsed as Json);
    });
    this.ws.on('error', (err) => log.warn({ event: 'olv.engine_ws_error', err }, 'engine websocket error'));
    this.ws.on('close', onClose);
  }

  /** A JSON message, or PCM16LE audio as a binary frame. */
  send(frame: Json | Buffer): void {
    const data = Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data, { binary: Buffer.isBuffer(frame) });
    else if (this.ws.readyState === this.ws.CONNECTING && this.backlog.length < 2000) this.backlog.push(data);
  }

  close(): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
  }
}
