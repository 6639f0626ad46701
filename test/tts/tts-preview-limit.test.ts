import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTtsStage } from '../../src/tts/index.ts';
import { TTS_PREVIEWS_PER_IP } from '../../src/tts/tts-routes.ts';
import { ScriptedEngine } from '../helpers/scripted-tts-engine.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

// POST /api/tts is heavy work per request: one address has at most TTS_PREVIEWS_PER_IP in flight.
const ADMIN = 'tts-limit-admin';
let td: TestDaemon;
const slow = new ScriptedEngine('slow', () => ({ kind: 'speak', firstMs: 1500, chunks: 1, chunkMs: 100 }));

before(async () => {
  td = await startTestDaemon({ stages: [createTtsStage({ engines: () => [slow] })], env: { VTUBER_ADMIN_TOKEN: ADMIN }, config: { tts: { first_audio_timeout_ms: 10_000 } } });
});
after(async () => {
  await td?.stop();
});

const preview = (text: string): Promise<Response> =>
  fetch(`${td.url}/api/tts`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

test('previews over the per-address limit get 429 with Retry-After; the slots free up afterwards', async () => {
  const running = Array.from({ length: TTS_PREVIEWS_PER_IP }, (_, i) => preview(`long preview ${i}`));
  const deadline = Date.now() + 5000;
  while (slow.calls.length < TTS_PREVIEWS_PER_IP && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(slow.calls.length, TTS_PREVIEWS_PER_IP, 'the first previews are being synthesized');
  const over = await preview('one too many');
  assert.equal(over.status, 429);
  assert.equal(over.headers.get('retry-after'), '1');
  const body = (await over.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'RATE_LIMITED');
  assert.match(body.error.message, /POST \/api\/tts: at most 2 request\(s\) in flight per client/);
  for (const r of await Promise.all(running)) assert.equal(r.status, 200);
  assert.equal((await preview('after the others')).status, 200, 'the slots are released');
});
