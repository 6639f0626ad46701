import { z } from 'zod';
import { characterNameSchema } from '../../config/character-name.ts';

/**
 * The websocket protocol: one discriminated union per direction, on `type`.
 * Binary frames carry microphone audio only (PCM16LE mono, after `audio-start`).
 * Documented for humans in docs/protocol.md — keep the two in step.
 */

const TurnId = z.string().min(1).max(64);

// ── client → server ────────────────────────────────────────────────────────────
export const ClientMessageSchema = z.discriminatedUnion('type', [
  /** Authenticates a non-loopback connection (or pass `?token=` in the URL). */
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(512) }).strict(),
  /** Typed input from the streamer. */
  z.object({ type: z.literal('text-input'), text: z.string().trim().min(1).max(2000) }).strict(),
  /** Microphone audio follows as binary PCM16LE mono frames at `sampleRate`. */
  z.object({ type: z.literal('audio-start'), sampleRate: z.number().int().min(8000).max(192000) }).strict(),
  z.object({ type: z.literal('audio-end') }).strict(),
  /** Stop the current turn. `heardText` is what the listener actually heard. */
  z.object({ type: z.literal('interrupt'), turnId: TurnId.optional(), heardText: z.string().max(4000).optional() }).strict(),
  /** Playback progress of a turn's audio, so the agent knows what was heard. */
  z
    .object({ type: z.literal('playback'), turnId: TurnId, seq: z.number().int().min(0).optional(), heardText: z.string().max(4000).optional(), ended: z.boolean() })
    .strict(),
  z.object({ type: z.literal('ping'), t: z.number().optional() }).strict(),
  /** Admin clients only (authenticated with the admin token): switch the active character live. */
  z
    .object({
      type: z.literal('character-switch'),
      name: characterNameSchema,
      queue: z.enum(['keep', 'clear']).optional(),
    })
    .strict(),
]);

export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ClientMessageSchema.options.map((o) => o.shape.type.value);
/** Messages that change what the engine does; they need a token on a non-loopback daemon. */
export const INPUT_MESSAGE_TYPES: ReadonlySet<ClientMessageType> = new Set(['text-input', 'audio-start', 'audio-end', 'interrupt']);
/** Messages only a client that sent `auth` with the admin token may send. */
export const ADMIN_MESSAGE_TYPES: ReadonlySet<ClientMessageType> = new Set(['character-switch']);

// ── server → client ────────────────────────────────────────────────────────────
const StatusEntrySchema = z.object({
  kind: z.enum(['stage', 'plugin', 'service']),
  name: z.string(),
  state: z.enum(['starting', 'live', 'degraded', 'unavailable', 'failed', 'disabled', 'stopped']),
  detail: z.string().optional(),
  info: z.record(z.string(), z.unknown()).optional(),
  since: z.number(),
});

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    clientUid: z.string(),
    version: z.string(),
    canSendInput: z.boolean(),
    character: z.object({ name: z.string(), displayName: z.string() }).catchall(z.unknown()),
  }),
  /**
   * The active character changed at runtime: pages reload the Live2D model (`GET /api/character`) and
   * show the new name. Also the answer to an admin's `character-switch` (then with `ms`).
   */
  z.object({
    type: z.literal('character'),
    name: z.string(),
    displayName: z.string(),
    language: z.string(),
    previous: z.string().optional(),
  }),
  /** Acknowledges an accepted client message (`ref` is its type). */
  z.object({ type: z.literal('ack'), ref: z.string(), inputId: z.string().optional() }),
  z.object({ type: z.literal('pong'), t: z.number().optional() }),
  /** `inputText` is what the turn answers (typed text, the final transcript, a chat line), cut to 500 characters. */
  z.object({ type: z.literal('turn-start'), turnId: TurnId, source: z.string(), userId: z.string().optional(), userName: z.string().optional(), inputText: z.string().max(500).optional() }),
  z.object({ type: z.literal('transcript'), text: z.string(), final: z.boolean(), clientUid: z.string().optional() }),
  z.object({ type: z.literal('reply-text'), turnId: TurnId, text: z.string(), segment: z.number().int().optional() }),
  /** Without `turnId`: an expression set outside any reply (e.g. by an MCP client). */
  z.object({ type: z.literal('emotion'), turnId: TurnId.optional(), name: z.string(), intensity: z.number().min(0).max(1).optional() }),
  z.object({ type: z.literal('motion'), turnId: TurnId, name: z.string() }),
  /** A `[stage: name]` cue from the reply, when the segment it precedes starts (the page changes its idle energy). */
  z.object({ type: z.literal('stage-cue'), turnId: TurnId, name: z.string() }),
  z.object({
    type: z.literal('audio'),
    turnId: TurnId,
    seq: z.number().int().min(0),
    segment: z.number().int().min(0),
    format: z.enum(['pcm16', 'wav', 'mp3']),
    sampleRate: z.number().int().positive(),
    /** Base64 audio bytes. */
    data: z.string(),
    durationMs: z.number().min(0),
    /** Normalized RMS (0..1) per `envelopeMs` of audio, for lip sync. */
    envelope: z.array(z.number().min(0).max(1)),
    envelopeMs: z.number().positive(),
  }),
  /** Drop every queued and playing chunk of this turn now. */
  z.object({ type: z.literal('audio-stop'), turnId: TurnId, reason: z.string() }),
  z.object({ type: z.literal('turn-end'), turnId: TurnId, state: z.string(), timings: z.record(z.string(), z.number()) }),
  z.object({ type: z.literal('status'), stages: z.record(z.string(), StatusEntrySchema), plugins: z.record(z.string(), StatusEntrySchema) }),
  z.object({
    type: z.literal('tool-call-status'),
    turnId: TurnId.optional(),
    callId: z.string(),
    name: z.string(),
    status: z.enum(['running', 'completed', 'error']),
    content: z.string().optional(),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), retryable: z.boolean().optional(), turnId: TurnId.optional() }),
  /** Something the user must set up is missing (e.g. no reachable LLM): `fixes` are exact commands, URLs or config keys. */
  z.object({ type: z.literal('setup-hint'), topic: z.enum(['llm']), fixes: z.array(z.string()), turnId: TurnId.optional() }),
]);

export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type ServerMessageType = ServerMessage['type'];

/** Control messages skip the backpressure drop that data (audio) is subject to. */
export const CONTROL_MESSAGE_TYPES: ReadonlySet<ServerMessageType> = new Set(['audio-stop', 'turn-end', 'error', 'setup-hint', 'status', 'hello', 'ack', 'pong', 'character']);

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; code: 'BAD_JSON' | 'BAD_MESSAGE' | 'UNKNOWN_MESSAGE_TYPE'; message: string };

/** Parses one text frame into a client message, or says exactly what is wrong with it. */
export function parseClientMessage(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'BAD_JSON', message: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, code: 'BAD_MESSAGE', message: 'a message must be a JSON object with a "type" field' };
  const type = (data as Record<string, unknown>).type;
  if (typeof type !== 'string') return { ok: false, code: 'BAD_MESSAGE', message: 'field "type" must be a string' };
  if (!(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, code: 'UNKNOWN_MESSAGE_TYPE', message: `unknown message type "${type.slice(0, 40)}"; expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}` };
  }
  const result = ClientMessageSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(message)';
    return { ok: false, code: 'BAD_MESSAGE', message: `${type}: field ${field}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, message: result.data };
}
