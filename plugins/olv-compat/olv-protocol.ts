import { z } from 'zod';

/**
 * Messages the Open-LLM-VTuber client sends, as its server routes them (websocket_handler.py
 * `_init_message_handlers`, plus `frontend-playback-complete`, which their message_handler waits
 * for). Their client adds fields freely, so objects are not strict; the fields we read are checked.
 */
// Their web client sends mic audio in 4096-sample chunks; 10 s is a generous upper bound for one frame.
const FloatArray = z.array(z.number().finite()).max(16_000 * 10);
const Images = z.array(z.unknown()).max(16).nullish();
const DisplayText = z.object({ text: z.string(), name: z.string().nullish(), avatar: z.string().nullish() }).nullish();
const Uid = z.string().min(1).max(200);

export const OlvClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text-input'), text: z.string().trim().min(1).max(2000), images: Images }),
  z.object({ type: z.literal('mic-audio-data'), audio: FloatArray }),
  z.object({ type: z.literal('raw-audio-data'), audio: FloatArray }),
  z.object({ type: z.literal('mic-audio-end'), images: Images }),
  z.object({ type: z.literal('ai-speak-signal'), images: Images }),
  z.object({ type: z.literal('interrupt-signal'), text: z.string().max(20_000).nullish() }),
  z.object({ type: z.literal('frontend-playback-complete') }),
  z.object({ type: z.literal('audio-play-start'), display_text: DisplayText, forwarded: z.boolean().nullish() }),
  z.object({ type: z.literal('fetch-configs') }),
  z.object({ type: z.literal('switch-config'), file: z.string().min(1).max(200) }),
  z.object({ type: z.literal('fetch-backgrounds') }),
  z.object({ type: z.literal('fetch-history-list') }),
  z.object({ type: z.literal('fetch-and-set-history'), history_uid: Uid }),
  z.object({ type: z.literal('create-new-history') }),
  z.object({ type: z.literal('delete-history'), history_uid: Uid }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('request-init-config') }),
  z.object({ type: z.literal('add-client-to-group'), invitee_uid: z.string().max(200).nullish() }),
  z.object({ type: z.literal('remove-client-from-group'), target_uid: z.string().max(200).nullish() }),
  z.object({ type: z.literal('request-group-info') }),
]);

export type OlvClientMessage = z.infer<typeof OlvClientMessageSchema>;
export const OLV_CLIENT_TYPES: readonly string[] = OlvClientMessageSchema.options.map((o) => o.shape.type.value);

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
