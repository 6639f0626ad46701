// The voice pipeline as a unit, pipecat-style: frames in, events out. Real Silero VAD (v5, from
// ../shared/models) and real sherpa-onnx recognizers on tiny test models (scripts/make-test-models.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { writeTestCtcModel, writeTestStreamingCtcModel } from '../../scripts/make-test-models.ts';
import { AsrConfigSchema } from '../../src/asr/asr-config.ts';
import type { AsrEngine } from '../../src/asr/asr-engine.ts';
import { registerBuiltinAsrEngines } from '../../src/asr/builtin-engines.ts';
import { getAsrEngineFactory } from '../../src/asr/engine-registry.ts';
import { float32ToInt16 } from '../../src/audio/pcm.ts';
import { VadConfigSchema } from '../../src/vad/vad-config.ts';
import { createVadFor } from '../../src/vad/vad-stream.ts';
import { cutWindows, toMono16k } from '../../src/voice/audio-steps.ts';
import type { Recognizer } from '../../src/voice/asr-step.ts';
import type { StepContext, VoiceFrame } from '../../src/voice/voice-frames.ts';
import { voicePipeline } from '../../src/voice/voice-session.ts';
import { SILERO_V5, concat, silence, speech, twoTurnsTruth } from '../helpers/speech-fixtures.ts';

const vad = VadConfigSchema.parse({});
const log = pino({ level: 'silent' });
registerBuiltinAsrEngines();

function context(): StepContext & { controller: AbortController } {
  const controller = new AbortController();
  return { controller, signal: controller.signal, log };
}

/** The client's microphone: PCM16 frames of `frameMs` at the audio's rate. */
async function* frames(samples: Float32Array, rate: number, frameMs = 20): AsyncIterable<Int16Array> {
  const n = Math.round((rate * frameMs) / 1000);
  for (let i = 0; i < samples.length; i += n) yield float32ToInt16(samples.subarray(i, i + n));
}

async function run(samples: Float32Array, rate: number, recognizer?: Recognizer): Promise<VoiceFrame[]> {
  const out: VoiceFrame[] = [];
  const ctx = context();
  for await (const frame of voicePipeline(frames(samples, rate), { sampleRate: rate, vad, detector: createVadFor(vad, SILERO_V5), recognizer }, ctx)) out.push(frame);
  return out;
}

const kinds = (events: VoiceFrame[], keep: readonly string[]): string[] => events.filter((e) => keep.includes(e.kind)).map((e) => e.kind);

async function engine(name: 'nemo-ctc' | 'nemo-ctc-streaming', dir: string): Promise<AsrEngine> {
  const model = name === 'nemo-ctc' ? writeTestCtcModel(dir) : writeTestStreamingCtcModel(dir);
  const factory = getAsrEngineFactory(name);
  assert.ok(factory);
  return factory.create({ config: AsrConfigSchema.parse({ engine: name, model: model.dir }), modelsDir: dir, log, env: {} });
}

test('48 kHz PCM16 frames in: speech start and end out, in order, at the two turns of the fixture', async () => {
  const events = await run(speech('two-turns', 48000).samples, 48000);
  assert.deepEqual(kinds(events, ['speech_start', 'speech_end']), ['speech_start', 'speech_end', 'speech_start', 'speech_end']);
  assert.ok(!events.some((e) => e.kind === 'audio'), 'audio stays inside the pipeline');
  const ends = events.filter((e) => e.kind === 'speech_end');
  twoTurnsTruth().forEach((t, i) => {
    const seg = ends[i]!.segment;
    assert.ok(Math.abs(seg.startMs - t.startMs) <= 150, `turn ${i} start ${seg.startMs} vs ${t.startMs}`);
    assert.ok(Math.abs(seg.endMs - t.endMs) <= 150, `turn ${i} end ${seg.endMs} vs ${t.endMs}`);
  });
  // Every pause is either withdrawn by a resume or confirmed by the end that follows it.
  let open: number | undefined;
  for (const e of events) {
    if (e.kind === 'speech_pause') open = e.pauseId;
    if (e.kind === 'speech_resume') {
      assert.equal(e.pauseId, open);
      open = undefined;
    }
    if (e.kind === 'speech_end') {
      assert.equal(e.pauseId, open, 'the end confirms the pause still standing');
      open = undefined;
    }
  }
});

test('resampling and windowing: each 48 kHz or 44.1 kHz sample becomes its share of 16 kHz, in 512-sample windows', async () => {
  for (const rate of [48000, 44100, 16000, 8000]) {
    const audio = speech('hello', rate).samples;
    const ctx = context();
    let total = 0;
    let windows = 0;
    let short = 0;
    for await (const w of cutWindows(toMono16k(rate)(frames(audio, rate, 30), ctx), ctx)) {
      total += w.length;
      windows++;
      if (w.length !== 512) short++;
    }
    const expected = Math.ceil((audio.length * 16000) / rate);
    assert.equal(total, expected, `${rate} Hz`);
    assert.equal(windows, Math.ceil(expected / 512), `${rate} Hz windows`);
    assert.ok(short <= 1, 'only the last window may be short');
  }
});

test('an offline recognizer: one final per utterance, after its end; the decode started at a confirmed pause is reused', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-voice-'));
  try {
    const real = await engine('nemo-ctc', dir);
    let decodes = 0;
    const recognizer: Recognizer = {
      streaming: false,
      transcribe: (samples, signal) => {
        decodes++;
        return real.transcribe(samples, signal);
      },
    };
    const audio = concat(16000, silence(300), speech('weather').samples, silence(800)).samples;
    const events = await run(audio, 16000, recognizer);
    const order = kinds(events, ['speech_start', 'speech_end', 'asr_final']);
    assert.deepEqual(order, ['speech_start', 'speech_end', 'asr_final']);
    const end = events.find((e) => e.kind === 'speech_end');
    const final = events.find((e) => e.kind === 'asr_final');
    assert.ok(end?.kind === 'speech_end' && final?.kind === 'asr_final');
    assert.equal(final.segment, end.segment, 'the final names the utterance it transcribes');
    if (end.pauseId !== undefined) {
      // (Fed faster than real time, the end comes before the pause's decode is back, so no asr_tentative.)
      const pausesDecoded = events.filter((e) => e.kind === 'speech_pause').length;
      assert.equal(decodes, pausesDecoded, 'no second decode at the end: the pause decode was reused');
      assert.equal(final.result.text, (await real.transcribe(events.filter((e) => e.kind === 'speech_pause').at(-1)!.segment.samples)).text);
    } else {
      assert.equal(decodes, 1);
      assert.equal(final.result.text, (await real.transcribe(end.segment.samples)).text);
    }
    real.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a streaming recognizer: partials between start and end, the final right at the end', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-voice-'));
  try {
    const real = await engine('nemo-ctc-streaming', dir);
    const recognizer: Recognizer = { streaming: true, createStream: () => real.createStream!(), transcribe: (s) => real.transcribe(s) };
    const audio = concat(16000, silence(300), speech('hello').samples, silence(800)).samples;
    const events = await run(audio, 16000, recognizer);
    const order = kinds(events, ['speech_start', 'speech_end', 'asr_partial', 'asr_final']);
    const start = order.indexOf('speech_start');
    const end = order.indexOf('speech_end');
    assert.ok(start >= 0 && end > start, order.join(' '));
    assert.ok(order.slice(start, end).includes('asr_partial'), `partials while speaking: ${order.join(' ')}`);
    assert.equal(order[end + 1], 'asr_final', 'the final comes right after the end');
    assert.equal(order.filter((k) => k === 'asr_final').length, 1);
    real.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aborting the session ends the pipeline at once, with nothing more coming out', async () => {
  const ctx = context();
  async function* endless(): AsyncIterable<Int16Array> {
    const frame = float32ToInt16(speech('hello').samples.subarray(0, 320));
    for (;;) {
      yield frame;
      await new Promise((r) => setImmediate(r));
    }
  }
  const seen: VoiceFrame[] = [];
  setTimeout(() => ctx.controller.abort(), 200);
  const started = performance.now();
  for await (const frame of voicePipeline(endless(), { sampleRate: 16000, vad, detector: createVadFor(vad, SILERO_V5), recognizer: undefined }, ctx)) seen.push(frame);
  assert.ok(performance.now() - started < 2000, 'ended soon after the abort');
  assert.ok(seen.every((e) => e.kind !== 'audio'));
});
