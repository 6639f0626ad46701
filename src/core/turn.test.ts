import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from './bus.ts';
import { backoffDelay } from './retry.ts';
import { TurnTracker } from './turn-tracker.ts';

const input = { id: 'i1', kind: 'text' as const, text: 'hi', user: { id: 'local:streamer', displayName: 'S', platform: 'local' as const }, receivedAt: performance.now() };

test('aborting a turn aborts every stage signal derived from it, and the tracker reports it interrupted', () => {
  const bus = new EventBus();
  const ended: string[] = [];
  bus.on('turn.ended', (t) => ended.push(t.state));
  const tracker = new TurnTracker(bus);
  const turn = tracker.begin(input);
  const llm = turn.child();
  const tts = turn.child();
  assert.equal(tracker.abortAll('interrupted'), 1);
  assert.ok(llm.signal.aborted && tts.signal.aborted);
  assert.equal((llm.signal.reason as Error).name, 'AbortError');
  tracker.end(turn);
  assert.deepEqual(ended, ['interrupted']);
  assert.equal(tracker.list().length, 0);
});

test('turn timings are durations between consecutive marks plus a total', () => {
  const tracker = new TurnTracker(new EventBus());
  const t0 = performance.now();
  const turn = tracker.begin({ ...input, receivedAt: t0, timings: { vad_end: t0 - 100, asr_final: t0 - 60 } });
  turn.mark('llm_first_token', t0 + 300);
  turn.mark('llm_first_token', t0 + 999);
  turn.mark('first_clause', t0 + 320);
  turn.mark('first_audio_sent', t0 + 400);
  const timings = turn.timings();
  assert.equal(timings['vad_end→asr_final'], 40);
  assert.equal(timings['llm_first_token→first_clause'], 20, 'the first mark wins');
  assert.ok((timings.total as number) >= 500);
});

test('backoff grows, is capped, and its jitter stays within bounds', () => {
  const opts = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 };
  assert.equal(backoffDelay(0, opts, () => 0.5), 100);
  assert.equal(backoffDelay(3, opts, () => 0.5), 800);
  assert.equal(backoffDelay(10, opts, () => 0.5), 1000);
  assert.equal(backoffDelay(10, opts, () => 0), 800);
  assert.equal(backoffDelay(10, opts, () => 0.999999), 1200);
});
