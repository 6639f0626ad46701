// A fake Streamlabs Socket API, written from https://dev.streamlabs.com/docs/socket-api: a socket.io
// server (version 2, Engine.IO 3, as sockets.streamlabs.com speaks) that takes the socket API token in
// the `token` query parameter and emits `event` messages {type: 'donation', for: 'streamlabs', event_id,
// message: [{id, _id, name, amount, formatted_amount, currency, message, from, isTest?}]}. A wrong token
// is refused in the handshake middleware with "Authentication error", as the real endpoint answers
// (seen in Locxion/NanoTwitchLeafs#32).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import io from 'socket.io';

export interface FakeSlDonation {
  id: number;
  name: string;
  amount: number | string;
  currency: string;
  message: string;
  isTest?: boolean;
}

export class FakeStreamlabs {
  private http: Server | undefined;
  private io: io.Server | undefined;
  validTokens = new Set<string>(['sl-good-socket-token-M4n5B6']);
  connections = 0;
  refused = 0;
  url = '';

  async start(): Promise<void> {
    const http = createServer();
    this.http = http;
    const server = io(http, { serveClient: false, pingInterval: 1_000, pingTimeout: 1_000 });
    this.io = server;
    server.use((socket, next) => {
      if (this.validTokens.has(socket.handshake.query.token ?? '')) return next();
      this.refused++;
      next(new Error('Authentication error'));
    });
    server.on('connection', () => {
      this.connections++;
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  get connected(): number {
    return Object.keys(this.io?.sockets.sockets ?? {}).length;
  }

  /** One `event` message of type `donation` holding `donations` (Streamlabs sends an array). */
  donate(donations: FakeSlDonation[]): void {
    const message = donations.map((d) => ({
      id: d.id,
      _id: randomUUID().replace(/-/g, ''),
      name: d.name,
      from: d.name,
      amount: d.amount,
      formatted_amount: `${d.amount} ${d.currency}`,
      currency: d.currency,
      message: d.message,
      priority: 10,
      ...(d.isTest ? { isTest: true } : {}),
    }));
    this.io?.emit('event', { type: 'donation', for: 'streamlabs', event_id: `evt_${randomUUID()}`, message });
  }

  /** Other events on the same socket (a follow) are not donations. */
  follow(name: string): void {
    this.io?.emit('event', { type: 'follow', for: 'twitch_account', event_id: `evt_${randomUUID()}`, message: [{ name, _id: randomUUID() }] });
  }

  /** The server ends every connection. */
  dropAll(): void {
    for (const socket of Object.values(this.io?.sockets.sockets ?? {})) socket.disconnect(true);
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.http?.listening ? this.http.close(() => resolve()) : resolve()));
  }
}
