import type { ServerMessage } from '../server/ws/protocol.ts';

export type AudioMessage = Extract<ServerMessage, { type: 'audio' }>;

const DATA_OPEN = ',"data":"';
const DATA_CLOSE = '"}';

/**
 * The UTF-8 JSON text of an `audio` message with `pcm` as its base64 `data`, built straight into
 * one buffer. `JSON.stringify` + a websocket send would copy the base64 twice more (into the JSON
 * string, then into UTF-8 bytes); audio is most of what the daemon sends, so that garbage is
 * what drives its GC pauses. base64 needs no JSON escaping, so it is written as is.
 */
export function encodeAudioMessage(fields: Omit<AudioMessage, 'data'>, pcm: Int16Array): Buffer {
  const head = JSON.stringify(fields).slice(0, -1);
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
  const headBytes = Buffer.byteLength(head);
  const frame = Buffer.allocUnsafe(headBytes + DATA_OPEN.length + data.length + DATA_CLOSE.length);
  let off = frame.write(head, 0, 'utf8');
  off += frame.write(DATA_OPEN, off, 'latin1');
  off += frame.write(data, off, 'latin1');
  frame.write(DATA_CLOSE, off, 'latin1');
  return frame;
}
