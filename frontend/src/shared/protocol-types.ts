// The websocket protocol types, shared with the server (type-only import: nothing is bundled).
import type { ClientMessage, ServerMessage } from '../../../src/server/ws/protocol.ts';

export type { ClientMessage, ServerMessage };
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type StatusEntry = ServerMessageOf<'status'>['stages'][string];
