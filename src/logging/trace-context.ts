import { AsyncLocalStorage } from 'node:async_hooks';
import type { InputBase } from '../core/input.ts';

/** Where an input came from, as log fields: a REST request, or a websocket client and message. */
export interface TraceFields {
  request_id?: string;
  client_uid?: string;
  ws_seq?: number;
}

const store = new AsyncLocalStorage<TraceFields>();

/** The trace fields of an input (empty for inputs from chat, timers and plugins without a request). */
export function traceOf(input: Pick<InputBase, 'requestId' | 'clientUid' | 'wsSeq'>): TraceFields {
  return {
    ...(input.requestId !== undefined ? { request_id: input.requestId } : {}),
    ...(input.clientUid !== undefined ? { client_uid: input.clientUid } : {}),
    ...(input.wsSeq !== undefined ? { ws_seq: input.wsSeq } : {}),
  };
}

/**
 * Runs `fn` (and everything it starts: promises, timers, bus handlers) with `fields` added to
 * every log line. The queue, the turn runner and the bus use it, so agent, memory and TTS lines
 * of one input carry the id it came in with.
 */
export function withTrace<T>(fields: TraceFields, fn: () => T): T {
  return store.run(fields, fn);
}

/** pino mixin: the current trace fields (a fresh object each line; pino merges into it). */
export function traceMixin(): TraceFields {
  const t = store.getStore();
  return t ? { ...t } : {};
}
