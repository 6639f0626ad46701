import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { EventBus } from '../../core/bus.ts';
import { DisposableStore } from '../../core/disposable.ts';
import type { StatusRegistry } from '../../core/status-registry.ts';
import { CONTROL_MESSAGE_TYPES, type ServerMessage } from './protocol.ts';

export interface ClientInfo {
  uid: string;
  remote: string;
  canSendInput: boolean;
  connectedAt: number;
}

interface ClientEntry extends ClientInfo {
  socket: WebSocket;
  droppedAudio: number;
}

/** Above this many buffered bytes a client is too slow: data messages to it are dropped. */
const SLOW_CLIENT_BYTES = 8 * 1024 * 1024;

/**
 * Every connected websocket client. Stages send through here (`broadcast`, `send`); bus events
 * that clients care about (turn start/end, status) are forwarded automatically.
 */
export class ClientHub {
  private readonly clients = new Map<string, ClientEntry>();
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly bus: EventBus,
    private readonly status: StatusRegistry,
    private readonly log: Logger,
  ) {
    this.disposables.add(bus.on('turn.started', (t) => this.broadcast({ type: 'turn-start', turnId: t.turnId, source: t.source, userId: t.userId, userName: t.userName, inputText: t.inputText.slice(0, 500) })));
    this.disposables.add(bus.on('turn.ended', (t) => this.broadcast({ type: 'turn-end', turnId: t.turnId, state: t.state, timings: t.timings })));
    this.disposables.add(bus.on('status.changed', () => this.broadcast(this.statusMessage())));
  }

  get size(): number {
    return this.clients.size;
  }

  add(info: ClientInfo, socket: WebSocket): void {
    this.clients.set(info.uid, { ...info, socket, droppedAudio: 0 });
  }

  remove(uid: string): void {
    this.clients.delete(uid);
  }

  list(): ClientInfo[] {
    return [...this.clients.values()].map(({ uid, remote, canSendInput, connectedAt }) => ({ uid, remote, canSendInput, connectedAt }));
  }

  statusMessage(): Extract<ServerMessage, { type: 'status' }> {
    const snap = this.status.snapshot();
    return { type: 'status', stages: snap.stages, plugins: snap.plugins };
  }

  /** Sends to one client. Returns false when the client is gone or too slow for a data message. */
  send(uid: string, message: ServerMessage): boolean {
    const client = this.clients.get(uid);
    if (!client) return false;
    return this.deliver(client, message.type, JSON.stringify(message));
  }

  /** Sends to every client (serialized once). Returns how many got it. */
  broadcast(message: ServerMessage, filter?: (c: ClientInfo) => boolean): number {
    if (this.clients.size === 0) return 0;
    const text = JSON.stringify(message);
    let n = 0;
    for (const client of this.clients.values()) {
      if (filter && !filter(client)) continue;
      if (this.deliver(client, message.type, text)) n++;
    }
    return n;
  }

  /**
   * Sends a message already serialized as UTF-8 JSON to every client, as a text frame. For the
   * high-rate audio messages: they are built straight into one buffer, without the intermediate
   * JSON string that `broadcast` would make (less garbage, shorter GC pauses on the event loop).
   */
  broadcastSerialized(type: ServerMessage['type'], frame: Buffer): number {
    let n = 0;
    for (const client of this.clients.values()) if (this.deliver(client, type, frame)) n++;
    return n;
  }

  /** Closes every connection (shutdown) with 1001 "going away". */
  closeAll(code = 1001, reason = 'server shutting down'): void {
    for (const client of this.clients.values()) {
      try {
        client.socket.close(code, reason);
      } catch {
        client.socket.terminate();
      }
    }
  }

  async dispose(): Promise<void> {
    await this.disposables.dispose();
  }

  private deliver(client: ClientEntry, type: ServerMessage['type'], payload: string | Buffer): boolean {
    if (client.socket.readyState !== client.socket.OPEN) return false;
    if (!CONTROL_MESSAGE_TYPES.has(type) && client.socket.bufferedAmount > SLOW_CLIENT_BYTES) {
      client.droppedAudio++;
      if (client.droppedAudio === 1 || client.droppedAudio % 100 === 0) {
        this.log.warn({ event: 'ws.slow_client', client_uid: client.uid, dropped: client.droppedAudio }, 'client too slow, dropping data messages');
      }
      return false;
    }
    client.socket.send(payload, { binary: false });
    return true;
  }
}
