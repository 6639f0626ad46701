import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INGEST_WINDOW } from '../audio/ingest-format.ts';
import { VadConfigSchema } from './vad-config.ts';
import { createVadFor, VadStream, type SpeechSegment } from './vad-stream.ts';
import { SILERO_V5, speech, twoTurnsTruth } from '../../test/helpers/speech-fixtures.ts';

const config = VadConfigSchema.parse({});

function run(samples: Float32Array): { starts: number[]; segments: SpeechSegment[] } {
  const starts: number[] = [];
  const segments: SpeechSegment[] = [];
  const stream = new VadStream(config, createVadFor(config, SILERO_V5), { onStart: (ms) => starts.push(ms), onEnd: (s) => segments.push(s) });
  for (let i = 0; i < samples.length; i += INGEST_WINDOW) stream.accept(samples.slice(i, i + INGEST_WINDOW));
  stream.finish();
  return { starts, segments };
}

test('two-turns.wav gives exactly 2 segments, each boundary within 150 ms of the truth', () => {
  const truth = twoTurnsTruth();
  const { starts, segments } = run(speech('two-turns').samples);
  assert.equal(segments.length, 2, `segments: ${JSON.stringify(segments.map((s) => [s.startMs, s.endMs]))}`);
  assert.equal(starts.length, 2);
  segments.forEach((seg, i) => {
    const t = truth[i]!;
    assert.ok(Math.abs(seg.startMs - t.startMs) <= 150, `segment ${i} start ${seg.startMs} vs truth ${t.startMs}`);
    assert.ok(Math.abs(seg.endMs - t.endMs) <= 150, `segment ${i} end ${seg.endMs} vs truth ${t.endMs}`);
    // the samples cover pre-roll + speech
    assert.equal(seg.samples.length, Math.round(((seg.endMs - seg.startMs + seg.preRollMs) * 16000) / 1000));
    assert.equal(seg.preRollMs, config.pre_roll_ms);
    assert.ok(starts[i]! < seg.endMs);
  });
});

test('silence-3s.wav and white-noise-3s.wav give no segments', () => {
  for (const name of ['silence-3s', 'white-noise-3s']) {
    const { starts, segments } = run(speech(name).samples);
    assert.equal(segments.length, 0, name);
    assert.equal(starts.length, 0, name);
  }
});

test('a stream that ends mid-speech still reports the open segment', () => {
  const hello = speech('hello').samples;
  const cut = Math.round(hello.length * 0.6);
  const { segments } = run(hello.subarray(0, cut));
  assert.equal(segments.length, 1);
  assert.ok(Math.abs(segments[0]!.endMs - (cut * 1000) / 16000) <= 64, `ends at ${segments[0]!.endMs}`);
});
