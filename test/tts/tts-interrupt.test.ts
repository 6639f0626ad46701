import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTtsStage } from '../../src/tts/index.ts';
import { ScriptedEngine } from '../helpers/scripted-tts-engine.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { speakSegments } from '../helpers/speak-segments.ts';

// A slow streaming engine: each segment is 40 chunks of 50 ms, 15 ms apart, so synthesis is in flight.
const slow = new ScriptedEngine('slow', () => ({ kind: 'speak', firstMs: 5, chunks: 40, chunkMs: 50, gapMs: 15 }));

let td: TestDaemon;
let client: TestClient;

before(async () => {
  td = await startTestDaemon({ stages: [createTtsStage({ engines: () => [slow] })], config: { tts: { concurrency: 3, chunk_ms: 100 } } });
  client = await TestClient.connect(td.wsUrl);
});

after(async () => {
  await client?.close();
  await td?.stop();
});

test('an interrupt during synthesis stops the turn output at once; no chunk of that turn arrives afterwards', async () => {
  // Stands in for the agent, which aborts the running turn when a client interrupts.
  let abortedAt = 0;
  const off = td.daemon.bus.on('turn.interrupt_requested', () => {
    abortedAt = performance.now();
    td.daemon.turns.abortAll('interrupted');
  });
  const { turn, done } = speakSegments(
    td.daemon,
    Array.from({ length: 5 }, (_, i) => ({ text: `A long sentence that takes a while to say, part ${i}.` })),
  );
  let resolvedAt = 0;
  const finished = done.then((r) => {
    resolvedAt = performance.now();
    return r;
  });
  await client.waitFor((m) => m.type === 'audio' && m.turnId === turn.id && (m.seq as number) >= 3);
  client.send({ type: 'interrupt' });
  const result = await finished;
  off();
  const stop = await client.waitFor((m) => m.type === 'audio-stop' && m.turnId === turn.id, 2000);
  assert.equal(stop.reason, 'interrupted');
  assert.ok(abortedAt > 0, 'the interrupt reached the turn');
  assert.ok(resolvedAt - abortedAt <= 50, `speak() returned ${Math.round(resolvedAt - abortedAt)} ms after the abort`);
  assert.ok(result.segmentsSent < 5, 'the reply was cut short');
  assert.ok(slow.calls.length >= 1 && slow.calls.every((c) => c.aborted), 'every synthesis in flight was cancelled');

  // Give any stray chunk time to show up, then check nothing of this turn followed audio-stop.
  await new Promise((r) => setTimeout(r, 300));
  const stopIndex = client.messages.indexOf(stop);
  const late = client.messages.slice(stopIndex + 1).filter((m) => m.turnId === turn.id && ['audio', 'reply-text', 'emotion', 'motion'].includes(m.type));
  assert.deepEqual(late, [], 'no output of the interrupted turn after audio-stop');
  const callsAtStop = slow.calls.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(slow.calls.length, callsAtStop, 'no new synthesis starts after the abort');
});
