// Voice pipeline throughput on one thread: the speech fixtures, as PCM16 frames of 20 ms at 16 kHz
// and at 48 kHz, through the voice session's steps (resample → windows → Silero VAD → pause
// detector; no ASR) as fast as possible. RTF = processing time / audio time, whole runs.
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { ROOT_DIR } from '../src/config/env.ts';
import { float32ToInt16 } from '../src/audio/pcm.ts';
import { StreamingResampler } from '../src/audio/resample.ts';
import { readWavMono } from '../src/audio/wav-source.ts';
import { VadConfigSchema } from '../src/vad/vad-config.ts';
import { createVadFor, VadStream } from '../src/vad/vad-stream.ts';
import { findSileroModel } from '../src/vad/silero-model.ts';
import { createSherpaResampler } from '../src/voice/sherpa-resampler.ts';
import { voicePipeline } from '../src/voice/voice-session.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

const FIXTURES = path.join(ROOT_DIR, '..', 'shared', 'fixtures', 'speech');
const NAMES = ['two-turns', 'hello', 'weather', 'white-noise-3s'];

function frames(samples: Float32Array, rate: number): Int16Array[] {
  const n = rate / 50;
  const out: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += n) out.push(float32ToInt16(samples.subarray(i, i + n)));
  return out;
}

async function* replay(list: readonly Int16Array[]): AsyncIterable<Int16Array> {
  yield* list;
}

export async function main(args: string[]): Promise<void> {
  const repeats = Number(args[0] ?? 5);
  const config = VadConfigSchema.parse({ num_threads: 1 });
  const model = findSileroModel('', path.join(ROOT_DIR, 'models'));
  if (!model) throw new Error('no silero_vad.onnx found (npm run models -- pull silero-vad)');
  const log = pino({ level: 'silent' });
  // One detector, reset between runs, as the VAD stage's pool hands them to sessions.
  const detector = createVadFor(config, model);
  const rows: BenchRow[] = [];
  const rtfByRate = new Map<number, number[]>([
    [16000, []],
    [48000, []],
  ]);
  // One untimed pass first: the daemon's code is JIT-compiled long before a stream matters.
  {
    const warm = readWavMono(path.join(FIXTURES, 'hello.wav'), 48000).samples;
    for await (const frame of voicePipeline(replay(frames(warm, 48000)), { sampleRate: 48000, vad: config, detector, recognizer: undefined }, { signal: new AbortController().signal, log })) void frame;
  }
  // CPU time of this process over audio time: what the run cost, without the time spent waiting
  // for a core that other jobs held (the wall-clock RTF includes that).
  const cpuByRate = new Map<number, number[]>([
    [16000, []],
    [48000, []],
  ]);
  for (const name of NAMES) {
    for (const rate of [16000, 48000]) {
      const audio = readWavMono(path.join(FIXTURES, `${name}.wav`), rate).samples;
      const input = frames(audio, rate);
      const audioMs = (audio.length * 1000) / rate;
      const rtfs: number[] = [];
      const cpuRtfs: number[] = [];
      let segments = 0;
      for (let r = 0; r < repeats; r++) {
        detector.reset();
        segments = 0;
        const ctx = { signal: new AbortController().signal, log };
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for await (const frame of voicePipeline(replay(input), { sampleRate: rate, vad: config, detector, recognizer: undefined }, ctx)) if (frame.kind === 'speech_end') segments++;
        rtfs.push((performance.now() - t0) / audioMs);
        const cpu = process.cpuUsage(cpu0);
        cpuRtfs.push((cpu.user + cpu.system) / 1000 / audioMs);
      }
      rtfByRate.get(rate)?.push(...rtfs);
      cpuByRate.get(rate)?.push(...cpuRtfs);
      rows.push({ fixture: name, input: `${rate / 1000} kHz`, audio_s: +(audioMs / 1000).toFixed(2), segments, rtf_median: median(rtfs), rtf_p95: percentile(rtfs, 95), cpu_rtf_median: median(cpuRtfs) });
    }
  }
  // The model call alone: median cost of one 32 ms window through VadStream (robust to preemption).
  const windowUs: number[] = [];
  const audio16 = readWavMono(path.join(FIXTURES, 'two-turns.wav'), 16000).samples;
  for (let r = 0; r < repeats; r++) {
    detector.reset();
    const stream = new VadStream(config, detector, { onStart: () => undefined, onEnd: () => undefined });
    for (let i = 0; i < audio16.length; i += 512) {
      const w0 = performance.now();
      stream.accept(audio16.subarray(i, i + 512));
      windowUs.push((performance.now() - w0) * 1000);
    }
    stream.finish();
  }
  // Resampling alone, 48 kHz → 16 kHz in 20 ms chunks: sherpa-onnx's native filter (used) and our JS sinc (before).
  const audio48 = readWavMono(path.join(FIXTURES, 'two-turns.wav'), 48000).samples;
  const audio48Ms = (audio48.length * 1000) / 48000;
  const nativeRtf: number[] = [];
  const jsRtf: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const native = createSherpaResampler(48000, 16000);
    let t0 = performance.now();
    for (let i = 0; i < audio48.length; i += 960) native.resample(audio48.subarray(i, i + 960));
    native.flush(new Float32Array(0));
    nativeRtf.push((performance.now() - t0) / audio48Ms);
    const js = new StreamingResampler(48000, 16000);
    t0 = performance.now();
    for (let i = 0; i < audio48.length; i += 960) js.push(audio48.subarray(i, i + 960));
    js.flush();
    jsRtf.push((performance.now() - t0) / audio48Ms);
  }
  rows.push({ fixture: 'two-turns, resample only (sherpa native, used)', input: '48 kHz', audio_s: +(audio48Ms / 1000).toFixed(2), segments: null, rtf_median: median(nativeRtf), rtf_p95: percentile(nativeRtf, 95) });
  rows.push({ fixture: 'two-turns, resample only (JS sinc, before)', input: '48 kHz', audio_s: +(audio48Ms / 1000).toFixed(2), segments: null, rtf_median: median(jsRtf), rtf_p95: percentile(jsRtf, 95) });
  const rtf16 = median(rtfByRate.get(16000) ?? []);
  const rtf48 = median(rtfByRate.get(48000) ?? []);
  const windowRtf = median(windowUs) / 32_000;
  const cpu16 = median(cpuByRate.get(16000) ?? []);
  const cpu48 = median(cpuByRate.get(48000) ?? []);
  writeResult({
    name: 'vad',
    description: `The voice session's steps without ASR (resample → 512-sample windows → Silero VAD via sherpa-onnx, 1 thread → pause detector), fed 20 ms PCM16 frames of the speech fixtures at 16 and 48 kHz as fast as possible, ${repeats} runs each; one detector reset between runs, as the VAD stage pools them. Model: ${path.basename(path.dirname(model))}/${path.basename(model)}.`,
    rows,
    goals: [
      { metric: 'VAD whole-run RTF, 16 kHz input (median)', goal: '≤ 0.005', value: +rtf16.toFixed(5), met: rtf16 <= 0.005 },
      { metric: 'VAD whole-run RTF, 48 kHz input (median)', goal: '≤ 0.007', value: +rtf48.toFixed(5), met: rtf48 <= 0.007 },
      { metric: 'VAD whole-run CPU-time RTF, 16 kHz input (median)', goal: '≤ 0.005', value: +cpu16.toFixed(5), met: cpu16 <= 0.005 },
      { metric: 'VAD whole-run CPU-time RTF, 48 kHz input (median)', goal: '≤ 0.007', value: +cpu48.toFixed(5), met: cpu48 <= 0.007 },
      { metric: 'VAD RTF from the median 32 ms window (model call)', goal: '≤ 0.005', value: +windowRtf.toFixed(5), met: windowRtf <= 0.005 },
    ],
    notes: [
      `The machine is shared (2 cores, other jobs running; 1-minute load average ${os.loadavg()[0]?.toFixed(1)} at the end): wall-clock figures are upper bounds and include waiting for a core; the CPU-time RTF is what the run cost. Compare ratios between runs, not single values.`,
      "Windows are not batched into one model call: sherpa-onnx's Vad runs Silero one 512-sample window at a time whatever length it is given, and the engine needs the detector state after each window (speech start and pause timing); a call costs a few µs against about 100 µs of model time.",
    ],
  });
}
