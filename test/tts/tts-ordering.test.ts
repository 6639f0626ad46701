import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTtsStage } from '../../src/tts/index.ts';
import { ScriptedEngine, markerAmplitude, type Script } from '../helpers/scripted-tts-engine.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { audioOf, speakSegments } from '../helpers/speak-segments.ts';
import { seededRandom as prng } from '../../scripts/lib/seeded-random.ts';


const SEED = Number(process.env.TTS_ORDER_SEED ?? 20261121);
const random = prng(SEED);
const N = 50;
const failed = new Set<number>();
const segOf = (text: string): number => Number(/#(\d+)$/.exec(text)?.[1]);

// Primary: random delays, fails 30% of the time (before audio, or by hanging past the timeout).
const primary = new ScriptedEngine('primary', (): Script => {
  const r = random();
  if (r < 0.15) return { kind: 'throw', afterMs: Math.floor(random() * 20) };
  if (r < 0.3) return { kind: 'hang' };
  return { kind: 'speak', firstMs: Math.floor(random() * 40), chunks: 1 + Math.floor(random() * 3), chunkMs: 60, gapMs: Math.floor(random() * 15) };
});
// Backup: random delays; fails some segments outright, so those become silence + an error.
const backup = new ScriptedEngine('backup', (text): Script => {
  if (random() < 0.2) {
    failed.add(segOf(text));
    return { kind: 'throw' };
  }
  return { kind: 'speak', firstMs: Math.floor(random() * 30), chunks: 1 + Math.floor(random() * 2), chunkMs: 60, gapMs: Math.floor(random() * 10) };
});

let td: TestDaemon;
let client: TestClient;

before(async () => {
  td = await startTestDaemon({
    stages: [createTtsStage({ engines: () => [primary, backup] })],
    config: { tts: { first_audio_timeout_ms: 150, failures_before_cooldown: 100, concurrency: 4, anti_repeat_window_ms: 0, cache_entries: 0 } },
  });
  client = await TestClient.connect(td.wsUrl);
});

after(async () => {
  await client?.close();
  await td?.stop();
});

test(`${N} segments with random per-engine delays and failures arrive strictly in order (seed ${SEED})`, async () => {
  const { turn, done } = speakSegments(
    td.daemon,
    Array.from({ length: N }, (_, i) => ({ text: `Sentence ${i} #${i}`, delayMs: random() < 0.3 ? Math.floor(random() * 20) : 0 })),
  );
  const result = await done;
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turn.id, 10_000);
  assert.equal(result.segmentsSent, N);
  const audio = audioOf(client.messages, turn.id);
  assert.deepEqual(
    audio.map((a) => a.seq),
    audio.map((_, i) => i),
  );
  const order = audio.map((a) => a.segment);
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'audio segments never go backwards');
  assert.deepEqual([...new Set(order)], Array.from({ length: N }, (_, i) => i), 'every segment has audio');
  for (const a of audio) {
    const peak = a.pcm.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    if (failed.has(a.segment)) assert.equal(peak, 0, `failed segment ${a.segment} is silence`);
    else assert.equal(peak, markerAmplitude(`#${a.segment}`), `chunk of segment ${a.segment} holds that segment's audio`);
  }
  const texts = client.messages.filter((m) => m.type === 'reply-text' && m.turnId === turn.id).map((m) => m.segment);
  assert.deepEqual(texts, Array.from({ length: N }, (_, i) => i));
  const errors = client.messages.filter((m) => m.type === 'error' && m.turnId === turn.id);
  assert.equal(errors.length, failed.size, 'one error per failed segment');
  assert.ok(failed.size > 0 && failed.size < N, `some segments failed (${failed.size})`);
  assert.ok(primary.calls.some((c) => c.aborted), 'hung syntheses were cancelled');
});
