import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INGEST_WINDOW } from '../audio/audio-events.ts';
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

interface PauseTrace {
  events: string[];
  pauses: Array<{ id: number; endMs: number; firedAtMs: number; samples: number }>;
  segments: SpeechSegment[];
}

/** Feeds `samples` then a second of silence, recording pauses, resumes and ends with stream time. */
function trace(samples: Float32Array, overrides: Record<string, unknown> = {}): PauseTrace {
  const cfg = VadConfigSchema.parse(overrides);
  const out: PauseTrace = { events: [], pauses: [], segments: [] };
  let fed = 0;
  const stream = new VadStream(cfg, createVadFor(cfg, SILERO_V5), {
    onStart: () => out.events.push('start'),
    onEnd: (s) => {
      out.events.push(`end${s.pauseId !== undefined ? `#${s.pauseId}` : ''}`);
      out.segments.push(s);
    },
    onPause: (s) => {
      out.events.push(`pause#${s.pauseId}`);
      out.pauses.push({ id: s.pauseId, endMs: s.endMs, firedAtMs: (fed * 1000) / 16000, samples: s.samples.length });
    },
    onResume: (id) => out.events.push(`resume#${id}`),
  });
  const padded = new Float32Array(samples.length + 16000);
  padded.set(samples);
  for (let i = 0; i + INGEST_WINDOW <= padded.length; i += INGEST_WINDOW) {
    fed = i + INGEST_WINDOW;
    stream.accept(padded.subarray(i, i + INGEST_WINDOW));
  }
  stream.finish();
  return out;
}

/** Where the voice really stops in a fixture (last sample above -34 dBFS), in ms. */
function voiceEndMs(samples: Float32Array): number {
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i] as number) > 0.02) return ((i + 1) * 1000) / 16000;
  return 0;
}

test('a tentative pause is reported within pause_ms + 2 windows of the real end, well before the hangover ends the segment, which confirms it', () => {
  for (const name of ['hello', 'name-question', 'weather', 'stream-greeting']) {
    const samples = speech(name).samples;
    const realEnd = voiceEndMs(samples);
    const t = trace(samples);
    assert.equal(t.segments.length, 1, `${name}: ${t.events.join(' ')}`);
    const last = t.pauses.at(-1);
    assert.ok(last, `${name}: a pause before the end (${t.events.join(' ')})`);
    assert.equal(t.segments[0]?.pauseId, last.id, `${name}: the end confirms the last pause (${t.events.join(' ')})`);
    assert.ok(last.firedAtMs - realEnd <= config.pause_ms + 64, `${name}: pause ${Math.round(last.firedAtMs - realEnd)} ms after the voice stopped`);
    assert.ok(Math.abs(last.endMs - realEnd) <= 64, `${name}: the pause's segment ends at ${last.endMs}, voice at ${Math.round(realEnd)}`);
    assert.ok(last.samples > 0.9 * (t.segments[0]?.samples.length ?? 0), `${name}: the pause carries the utterance`);
  }
});

test('a pause the voice comes back from is withdrawn (resume) and the utterance stays one segment', () => {
  // hello.wav has a comma ("Hello there, how are you today?"): a short pause, then more voice.
  const t = trace(speech('hello').samples);
  const first = t.events.indexOf('pause#1');
  assert.ok(first >= 0 && t.events[first + 1] === 'resume#1', t.events.join(' '));
  assert.equal(t.segments.length, 1);
  assert.notEqual(t.segments[0]?.pauseId, 1, 'the end does not confirm a withdrawn pause');
});

test('pause_ms 0, or at least the hangover, reports no pauses; segments are unchanged', () => {
  const samples = speech('two-turns').samples;
  const base = trace(samples);
  for (const pause_ms of [0, 300]) {
    const t = trace(samples, { pause_ms });
    assert.deepEqual(t.pauses, [], `pause_ms ${pause_ms}`);
    assert.ok(t.segments.every((s) => s.pauseId === undefined));
    assert.deepEqual(t.segments.map((s) => [s.startMs, s.endMs]), base.segments.map((s) => [s.startMs, s.endMs]));
  }
});

test('white noise gives no pauses (and no speech)', () => {
  const t = trace(speech('white-noise-3s').samples);
  assert.deepEqual(t.events, []);
});
