import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTtsStage } from '../../src/tts/index.ts';
import { EdgeEngine } from '../../src/tts/engines/edge-engine.ts';
import { ScriptedEngine, markerAmplitude } from '../helpers/scripted-tts-engine.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { audioOf, speakSegments } from '../helpers/speak-segments.ts';

const ADMIN = 'fallback-admin';
const TIMEOUT_MS = 300;

let td: TestDaemon;
let client: TestClient;
const thrower = new ScriptedEngine('thrower', () => ({ kind: 'throw', afterMs: 5 }));
const hanger = new ScriptedEngine('hanger', () => ({ kind: 'hang' }));
// The real msedge-tts client: offline it fails with ENOTFOUND before any audio.
const edge = new EdgeEngine('cat');
const good = new ScriptedEngine('good', () => ({ kind: 'speak', firstMs: 10, chunks: 2, chunkMs: 100 }));

before(async () => {
  td = await startTestDaemon({
    stages: [createTtsStage({ engines: () => [edge, thrower, hanger, good] })],
    env: { VTUBER_ADMIN_TOKEN: ADMIN },
    // A high failure threshold keeps every engine in the chain for every segment of this test.
    config: { tts: { first_audio_timeout_ms: TIMEOUT_MS, failures_before_cooldown: 100, concurrency: 2 } },
  });
  client = await TestClient.connect(td.wsUrl);
});

after(async () => {
  await client?.close();
  await td?.stop();
});

test('a segment that edge (offline), a throwing and a hanging engine fail is spoken by the next engine, in order', async () => {
  const n = 4;
  const started = performance.now();
  const { turn, done } = speakSegments(
    td.daemon,
    Array.from({ length: n }, (_, i) => ({ text: `Fallback sentence number ${i} #${i}` })),
  );
  const result = await done;
  const elapsed = performance.now() - started;
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turn.id);
  assert.equal(result.segmentsSent, n);
  const audio = audioOf(client.messages, turn.id);
  assert.deepEqual([...new Set(audio.map((a) => a.segment))], [0, 1, 2, 3], 'every segment, in order');
  for (const a of audio) assert.equal(Math.abs(a.pcm[0] as number), markerAmplitude(`#${a.segment}`), 'each chunk carries its own segment audio');
  assert.equal(good.calls.length, n, 'the good engine spoke every segment');
  assert.equal(thrower.calls.length, n);
  assert.equal(hanger.calls.length, n);
  assert.ok(hanger.calls.every((c) => c.aborted), 'the hanging engine was cancelled at its timeout');
  // With concurrency 2, n segments each wait one hang timeout: about n/2 timeouts in all.
  assert.ok(elapsed < (n / 2 + 2) * TIMEOUT_MS + 1500, `took ${Math.round(elapsed)} ms`);
  assert.ok(!client.messages.some((m) => m.type === 'error' && m.turnId === turn.id), 'no segment was lost');

  const status = (await (await fetch(`${td.url}/admin/status`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
    stages: { tts: { info: { engine: string; engines: Record<string, { failures: number; lastError?: string }> } } };
  };
  const info = status.stages.tts.info;
  assert.equal(info.engine, 'good');
  assert.match(info.engines.edge?.lastError ?? '', /ENOTFOUND|EAI_AGAIN|getaddrinfo/, 'msedge-tts really tried the network');
  assert.match(info.engines.hanger?.lastError ?? '', /no audio within 300 ms/);
});
