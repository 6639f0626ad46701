import { z } from 'zod';

/**
 * Messages the Open-LLM-VTuber client sends (its websocket-handler / websocket-service). Their
 * client adds fields freely, so objects are not strict; the fields we read are checked.
 */
const FloatArray = z.array(z.number().finite()).max(16_000 * 10);

export const OlvClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text-input'), text: z.string().trim().min(1).max(2000), images: z.unknown().optional() }),
  z.object({ type: z.literal('mic-audio-data'), audio: FloatArray }),
  z.object({ type: z.literal('raw-audio-data'), audio: FloatArray }),
  z.object({ type: z.literal('mic-audio-end') }),
  z.object({ type: z.literal('interrupt-signal'), text: z.string().max(4000).optional() }),
  z.object({ type: z.literal('frontend-playback-complete') }),
  z.object({ type: z.literal('audio-play-start') }),
  z.object({ type: z.literal('fetch-configs') }),
  z.object({ type: z.literal('switch-config'), file: z.string().min(1).max(200) }),
  z.object({ type: z.literal('fetch-backgrounds') }),
  z.object({ type: z.literal('fetch-history-list') }),
  z.object({ type: z.literal('fetch-and-set-history'), history_uid: z.string().max(200).optional() }),
  z.object({ type: z.literal('create-new-history') }),
  z.object({ type: z.literal('delete-history'), history_uid: z.string().max(200).optional() }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('request-init-config') }),
  z.object({ type: z.literal('add-client-to-group') }),
  z.object({ type: z.literal('remove-client-from-group') }),
  z.object({ type: z.literal('request-group-info') }),
  z.object({ type: z.literal('ai-speak-signal') }),
]);

export type OlvClientMessage = z.infer<typeof OlvClientMessageSchema>;
export const OLV_CLIENT_TYPES: readonly string[] = OlvClientMessageSchema.options.map((o) => o.shape.type.value);

/** Group messages: their multi-client "group chat" of several AI characters; we have one character per engine. */
export const GROUP_TYPES: ReadonlySet<string> = new Set(['add-client-to-group', 'remove-client-from-group', 'request-group-info']);

export type OlvParse = { ok: true; message: OlvClientMessage } | { ok: false; message: string };

/** Parses one text frame; the error names what was wrong (JSON, type, or field path). */
export function parseOlvMessage(text: string): OlvParse {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, message: 'message is not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') {
    return { ok: false, message: 'message needs a string "type" field' };
  }
  const type = (data as { type: string }).type;
  if (!OLV_CLIENT_TYPES.includes(type)) return { ok: false, message: `unknown message type "${type.slice(0, 60)}"` };
  const parsed = OlvClientMessageSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${type}: ${issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, message: parsed.data };
}
