// The few parts of the socket.io 2 server API the fake Streamlabs server uses (socket.io 2 ships no
// types; https://socket.io/docs/v2/server-api/).
declare module 'socket.io' {
  import type { Server as HttpServer } from 'node:http';

  namespace io {
    interface Handshake {
      query: Record<string, string | undefined>;
    }
    interface Socket {
      id: string;
      handshake: Handshake;
      emit(event: string, ...args: unknown[]): boolean;
      disconnect(close?: boolean): Socket;
    }
    interface Namespace {
      sockets: Record<string, Socket>;
    }
    interface Server {
      use(fn: (socket: Socket, next: (err?: Error) => void) => void): Server;
      on(event: 'connection', listener: (socket: Socket) => void): Server;
      emit(event: string, ...args: unknown[]): boolean;
      close(callback?: () => void): void;
      sockets: Namespace;
    }
  }
  function io(server: HttpServer, options?: Record<string, unknown>): io.Server;
  export = io;
}
