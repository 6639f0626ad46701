// ASR speed: real-time factor of whole-utterance decodes and the time from speech end to the final
// transcript. Uses the configured real model when VTUBER_MODELS_DIR has it; otherwise the tiny
// random-weight test model (the figures then only measure our code path and sherpa's overhead).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { writeTestCtcModel, writeTestStreamingCtcModel } from '../scripts/make-test-models.ts';
import { AsrConfigSchema } from '../src/asr/asr-config.ts';
import type { AsrEngine } from '../src/asr/asr-engine.ts';
import { registerBuiltinAsrEngines } from '../src/asr/builtin-engines.ts';
import { getAsrEngineFactory } from '../src/asr/engine-registry.ts';
import { ROOT_DIR } from '../src/config/env.ts';
import { isEngineError } from '../src/core/errors.ts';
import { readWavMono } from '../src/audio/wav-source.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

const FIXTURES = path.join(ROOT_DIR, '..', 'shared', 'fixtures', 'speech');

/** args: [engine] [model] [repeats] — default: zipformer-streaming with its default model. */
export async function main(args: string[]): Promise<void> {
  registerBuiltinAsrEngines();
  const [engineName = 'zipformer-streaming', model = '', repeatsArg = '5'] = args;
  const repeats = Number(repeatsArg);
  const modelsDir = path.resolve(process.env.VTUBER_MODELS_DIR ?? path.join(ROOT_DIR, 'models'));
  const log = pino({ level: 'silent' });
  const notes: string[] = ['The machine is shared (2 cores, other jobs running): figures are upper bounds.'];
  let engine: AsrEngine;
  let tmp: string | undefined;
  let real = true;
  try {
    const factory = getAsrEngineFactory(engineName);
    if (!factory) throw new Error(`unknown engine ${engineName}`);
    engine = await factory.create({ config: AsrConfigSchema.parse({ engine: engineName, model }), modelsDir, log, env: process.env });
  } catch (err) {
    if (!isEngineError(err) || err.code !== 'MODEL_MISSING') throw err;
    real = false;
    notes.unshift(`No real model: ${err.message}. Ran on the tiny random-weight test model (scripts/make-test-models.ts) instead: the figures measure our code path and sherpa's feature/decode overhead, not a real recognizer.`);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-bench-'));
    // A streaming engine was asked for: measure the streaming path on the tiny streaming model.
    const streaming = engineName.endsWith('-streaming');
    const test = streaming ? writeTestStreamingCtcModel(tmp) : writeTestCtcModel(tmp);
    const fallback = streaming ? 'nemo-ctc-streaming' : 'nemo-ctc';
    const factory = getAsrEngineFactory(fallback);
    if (!factory) throw new Error(`${fallback} engine missing`);
    engine = await factory.create({ config: AsrConfigSchema.parse({ engine: fallback, model: test.dir }), modelsDir: tmp, log, env: process.env });
  }
  const rows: BenchRow[] = [];
  const rtfAll: number[] = [];
  const finalAll: number[] = [];
  try {
    for (const name of ['hello', 'name-question', 'weather', 'stream-greeting']) {
      const audio = readWavMono(path.join(FIXTURES, `${name}.wav`), 16000).samples;
      const audioMs = (audio.length * 1000) / 16000;
      const rtfs: number[] = [];
      const finals: number[] = [];
      let text = '';
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        text = (await engine.transcribe(audio)).text;
        const decodeMs = performance.now() - t0;
        rtfs.push(decodeMs / audioMs);
        if (engine.streaming && engine.createStream) {
          // Live: audio was fed window by window while spoken; at speech end only finish() remains.
          const stream = engine.createStream();
          for (let i = 0; i < audio.length; i += 512) stream.accept(audio.subarray(i, i + 512));
          const f0 = performance.now();
          stream.finish();
          finals.push(performance.now() - f0);
        } else {
          finals.push(decodeMs); // offline: the whole segment is decoded after speech end
        }
      }
      rtfAll.push(...rtfs);
      finalAll.push(...finals);
      rows.push({ fixture: name, audio_s: +(audioMs / 1000).toFixed(2), rtf_median: median(rtfs), rtf_p95: percentile(rtfs, 95), final_ms_median: +median(finals).toFixed(1), final_ms_p95: +percentile(finals, 95).toFixed(1), text: real ? text.slice(0, 60) : `(${text.split(/\s+/).filter(Boolean).length} random tokens)` });
    }
  } finally {
    engine.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  const finalMedian = median(finalAll);
  writeResult({
    name: 'asr',
    description: `${engine.name} (${real ? engine.model : 'tiny random-weight test model'}), 1 thread, ${repeats} runs per fixture. RTF = decode time / audio time for the whole utterance; final = speech end → final transcript (streaming: finish() after live feeding; offline: decode of the segment).`,
    rows,
    goals: [
      { metric: 'ASR RTF (median)', goal: 'report', value: +median(rtfAll).toFixed(4), met: true },
      { metric: 'speech end → final transcript (median, ms)', goal: real && engine.streaming ? '≤ 50 ms (streaming zipformer)' : 'report', value: +finalMedian.toFixed(1), met: real && engine.streaming ? finalMedian <= 50 : true },
    ],
    notes,
  });
}
