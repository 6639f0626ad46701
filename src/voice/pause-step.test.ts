import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { INGEST_WINDOW } from '../audio/ingest-format.ts';
import { SampleHistory } from '../audio/sample-history.ts';
import { VadConfigSchema } from '../vad/vad-config.ts';
import { createVadFor, speechHistorySamples, type SpeechSegment } from '../vad/vad-stream.ts';
import { SILERO_V5, speech } from '../../test/helpers/speech-fixtures.ts';
import { detectPauses } from './pause-step.ts';
import { detectSpeech } from './vad-step.ts';

// The VAD step followed by the pause step (as in voice-session.ts), fed 32 ms windows.
const config = VadConfigSchema.parse({});
const log = pino({ level: 'silent' });

interface PauseTrace {
  events: string[];
  pauses: Array<{ id: number; endMs: number; firedAtMs: number; samples: number }>;
  segments: SpeechSegment[];
}

/**
 * Feeds `samples` then a second of silence through the VAD and pause steps, recording pauses,
 * resumes and ends with the stream time at which each came out.
 */
async function trace(samples: Float32Array, overrides: Record<string, unknown> = {}): Promise<PauseTrace> {
  const cfg = VadConfigSchema.parse(overrides);
  const out: PauseTrace = { events: [], pauses: [], segments: [] };
  let fed = 0;
  const padded = new Float32Array(samples.length + 16000);
  padded.set(samples);
  async function* windows(): AsyncIterable<Float32Array> {
    for (let i = 0; i + INGEST_WINDOW <= padded.length; i += INGEST_WINDOW) {
      fed = i + INGEST_WINDOW;
      yield padded.subarray(i, i + INGEST_WINDOW);
    }
  }
  const ctx = { signal: new AbortController().signal, log };
  const history = new SampleHistory(speechHistorySamples(cfg));
  for await (const frame of detectPauses(cfg, history)(detectSpeech(cfg, createVadFor(cfg, SILERO_V5), history)(windows(), ctx), ctx)) {
    if (frame.kind === 'speech_start') out.events.push('start');
    else if (frame.kind === 'speech_end') {
      out.events.push(`end${frame.pauseId !== undefined ? `#${frame.pauseId}` : ''}`);
      out.segments.push(frame.segment);
    } else if (frame.kind === 'speech_pause') {
      out.events.push(`pause#${frame.pauseId}`);
      out.pauses.push({ id: frame.pauseId, endMs: frame.segment.endMs, firedAtMs: (fed * 1000) / 16000, samples: frame.segment.samples.length });
    } else if (frame.kind === 'speech_resume') out.events.push(`resume#${frame.pauseId}`);
  }
  return out;
}

/** Where the voice really stops in a fixture (last sample above -34 dBFS), in ms. */
function voiceEndMs(samples: Float32Array): number {
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i] as number) > 0.02) return ((i + 1) * 1000) / 16000;
  return 0;
}

test('a tentative pause is reported within pause_ms + 2 windows of the real end, well before the hangover ends the segment, which confirms it', async () => {
  for (const name of ['hello', 'name-question', 'weather', 'stream-greeting']) {
    const samples = speech(name).samples;
    const realEnd = voiceEndMs(samples);
    const t = await trace(samples);
    assert.equal(t.segments.length, 1, `${name}: ${t.events.join(' ')}`);
    const last = t.pauses.at(-1);
    assert.ok(last, `${name}: a pause before the end (${t.events.join(' ')})`);
    assert.equal(t.segments[0]?.pauseId, last.id, `${name}: the end confirms the last pause (${t.events.join(' ')})`);
    assert.ok(last.firedAtMs - realEnd <= config.pause_ms + 64, `${name}: pause ${Math.round(last.firedAtMs - realEnd)} ms after the voice stopped`);
    assert.ok(Math.abs(last.endMs - realEnd) <= 64, `${name}: the pause's segment ends at ${last.endMs}, voice at ${Math.round(realEnd)}`);
    assert.ok(last.samples > 0.9 * (t.segments[0]?.samples.length ?? 0), `${name}: the pause carries the utterance`);
  }
});

test('a pause the voice comes back from is withdrawn (resume) and the utterance stays one segment', async () => {
  // hello.wav has a comma ("Hello there, how are you today?"): a short pause, then more voice.
  const t = await trace(speech('hello').samples);
  const first = t.events.indexOf('pause#1');
  assert.ok(first >= 0 && t.events[first + 1] === 'resume#1', t.events.join(' '));
  assert.equal(t.segments.length, 1);
  assert.notEqual(t.segments[0]?.pauseId, 1, 'the end does not confirm a withdrawn pause');
});

test('pause_ms 0, or at least the hangover, reports no pauses; segments are unchanged', async () => {
  const samples = speech('two-turns').samples;
  const base = await trace(samples);
  for (const pause_ms of [0, 300]) {
    const t = await trace(samples, { pause_ms });
    assert.deepEqual(t.pauses, [], `pause_ms ${pause_ms}`);
    assert.ok(t.segments.every((s) => s.pauseId === undefined));
    assert.deepEqual(t.segments.map((s) => [s.startMs, s.endMs]), base.segments.map((s) => [s.startMs, s.endMs]));
  }
});

test('white noise gives no pauses (and no speech)', async () => {
  const t = await trace(speech('white-noise-3s').samples);
  assert.deepEqual(t.events, []);
});
