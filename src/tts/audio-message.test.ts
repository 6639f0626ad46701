import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerMessageSchema } from '../server/ws/protocol.ts';
import { type AudioMessage, encodeAudioMessage } from './audio-message.ts';

test('an encoded audio message is the JSON of the same message, valid under the protocol, with the PCM as base64 data', () => {
  const pcm = new Int16Array(4410);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(Math.sin(i / 7) * 20000);
  const fields: Omit<AudioMessage, 'data'> = { type: 'audio', turnId: 't-é-1', seq: 3, segment: 1, format: 'pcm16', sampleRate: 22050, durationMs: 200, envelope: [0.1, 0.5, 1], envelopeMs: 20 };
  const frame = encodeAudioMessage(fields, pcm);
  const parsed = JSON.parse(frame.toString('utf8')) as Record<string, unknown>;
  const data = Buffer.from(pcm.buffer).toString('base64');
  assert.deepEqual(parsed, { ...fields, data });
  assert.ok(ServerMessageSchema.safeParse(parsed).success);
  assert.ok(frame.subarray(0, 16).toString() === '{"type":"audio",', 'type comes first, as clients and the soak client expect');
  const back = Buffer.from(parsed.data as string, 'base64');
  assert.deepEqual(new Int16Array(back.buffer, back.byteOffset, back.length / 2), pcm);
});

test('an empty or odd-offset PCM view encodes only its own samples', () => {
  const whole = new Int16Array([1, 2, 3, 4, 5]);
  const view = whole.subarray(1, 3);
  const parsed = JSON.parse(encodeAudioMessage({ type: 'audio', turnId: 't', seq: 0, segment: 0, format: 'pcm16', sampleRate: 16000, durationMs: 0.125, envelope: [], envelopeMs: 20 }, view).toString()) as { data: string };
  assert.equal(parsed.data, Buffer.from(new Int16Array([2, 3]).buffer).toString('base64'));
  const empty = JSON.parse(encodeAudioMessage({ type: 'audio', turnId: 't', seq: 0, segment: 0, format: 'pcm16', sampleRate: 16000, durationMs: 0, envelope: [], envelopeMs: 20 }, new Int16Array(0)).toString()) as { data: string };
  assert.equal(empty.data, '');
});
