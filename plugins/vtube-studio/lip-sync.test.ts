import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LipSync, type ParameterValue } from './lip-sync.ts';

const env = (start: number): number[] => Array.from({ length: 10 }, (_, i) => Math.round((start + i / 100) * 1000) / 1000);

function rig(): { sync: LipSync; frames: ParameterValue[][]; clock: { t: number }; heard: string[] } {
  const clock = { t: 1_000 };
  const frames: ParameterValue[][] = [];
  const heard: string[] = [];
  const sync = new LipSync({
    rateHz: 30,
    mouthParameter: 'MouthOpen',
    gain: 1,
    smile: { joy: 0.8 },
    inject: (v) => frames.push(v),
    segmentHeard: (turnId, segment, emotion) => heard.push(`${turnId}/${segment}/${emotion ?? '-'}`),
    turnHeard: (turnId) => heard.push(`${turnId} done`),
    now: () => clock.t,
  });
  return { sync, frames, clock, heard };
}

test('chunks play back to back from arrival; the page\'s "chunk ended" report re-anchors the clock', () => {
  const { sync, clock } = rig();
  try {
    sync.segment({ turnId: 't1', index: 0, text: 'Hi', emotion: 'joy' });
    sync.audio({ turnId: 't1', seq: 0, segment: 0, durationMs: 200, envelope: env(0.1), envelopeMs: 20 });
    clock.t = 1_010;
    sync.audio({ turnId: 't1', seq: 1, segment: 0, durationMs: 200, envelope: env(0.5), envelopeMs: 20 });
    assert.deepEqual(sync.valuesAt(1_000), [{ id: 'MouthOpen', value: 0.1 }, { id: 'MouthSmile', value: 0.8 }]);
    assert.equal(sync.valuesAt(1_045)?.[0]?.value, 0.12, 'the third 20 ms window');
    assert.equal(sync.valuesAt(1_200)?.[0]?.value, 0.5, 'the second chunk starts when the first ends, not at its arrival');
    // The page was 50 ms late: chunk 0 ended at 1250.
    clock.t = 1_250;
    sync.playback({ clientUid: 'c', turnId: 't1', seq: 0, ended: false });
    assert.equal(sync.valuesAt(1_240)?.[0]?.value, undefined, 'nothing of chunk 1 before the page reached it');
    assert.equal(sync.valuesAt(1_250)?.[0]?.value, 0.5);
    assert.equal(sync.valuesAt(1_449)?.[0]?.value, 0.59);
    assert.equal(sync.valuesAt(1_450), undefined, 'after the last chunk nothing plays');
  } finally {
    sync.dispose();
  }
});

test('audio-stop closes the mouth with one frame and stops; another turn\'s chunks are not touched', () => {
  const { sync, frames, clock } = rig();
  try {
    sync.audio({ turnId: 't1', seq: 0, segment: 0, durationMs: 1_000, envelope: [0.9], envelopeMs: 1_000 });
    assert.ok(sync.speaking);
    assert.equal(frames.at(-1)?.[0]?.value, 0.9);
    clock.t = 1_100;
    sync.stopTurn('t1');
    assert.equal(sync.speaking, false);
    assert.deepEqual(frames.at(-1), [{ id: 'MouthOpen', value: 0 }]);
    const n = frames.length;
    sync.stopTurn('t1');
    assert.equal(frames.length, n, 'a second stop sends nothing');
    sync.audio({ turnId: 't2', seq: 0, segment: 0, durationMs: 500, envelope: [0.4], envelopeMs: 500 });
    sync.stopTurn('t-other');
    assert.ok(sync.speaking, 'stopping an unknown turn leaves the playing one alone');
  } finally {
    sync.dispose();
  }
});

test('segments are reported heard when their first chunk starts; the turn when its last chunk is over', async () => {
  const { sync, heard, clock } = rig();
  try {
    sync.segment({ turnId: 't1', index: 0, text: 'a', emotion: 'joy' });
    sync.segment({ turnId: 't1', index: 1, text: 'b', emotion: 'sad' });
    sync.audio({ turnId: 't1', seq: 0, segment: 0, durationMs: 30, envelope: [0.5, 0.5], envelopeMs: 20 });
    sync.audio({ turnId: 't1', seq: 1, segment: 1, durationMs: 30, envelope: [0.5, 0.5], envelopeMs: 20 });
    sync.turnEnded('t1');
    assert.deepEqual(heard, ['t1/0/joy']);
    clock.t = 1_040;
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(heard, ['t1/0/joy', 't1/1/sad']);
    clock.t = 1_070;
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(heard, ['t1/0/joy', 't1/1/sad', 't1 done']);
    assert.equal(sync.speaking, false);
  } finally {
    sync.dispose();
  }
});
