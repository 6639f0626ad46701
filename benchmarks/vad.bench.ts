// Silero VAD throughput: the speech fixtures fed through VadStream in 512-sample windows as fast as
// possible on one thread (RTF = processing time / audio time), plus the 48 kHz → 16 kHz ingest.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT_DIR } from '../src/config/env.ts';
import { StreamingResampler } from '../src/audio/resample.ts';
import { readWavMono } from '../src/audio/wav-source.ts';
import { VadConfigSchema } from '../src/vad/vad-config.ts';
import { createVadFor, VadStream } from '../src/vad/vad-stream.ts';
import { findSileroModel } from '../src/vad/silero-model.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

const FIXTURES = path.join(ROOT_DIR, '..', 'shared', 'fixtures', 'speech');

export async function main(args: string[]): Promise<void> {
  const repeats = Number(args[0] ?? 5);
  const config = VadConfigSchema.parse({ num_threads: 1 });
  const model = findSileroModel('', path.join(ROOT_DIR, 'models'));
  if (!model) throw new Error('no silero_vad.onnx found (npm run models -- pull silero-vad)');
  const rows: BenchRow[] = [];
  const allRtf: number[] = [];
  const allWindowUs: number[] = [];
  for (const name of ['two-turns', 'hello', 'weather', 'white-noise-3s']) {
    const audio = readWavMono(path.join(FIXTURES, `${name}.wav`), 16000).samples;
    const audioMs = (audio.length * 1000) / 16000;
    const rtfs: number[] = [];
    const windowUs: number[] = [];
    let segments = 0;
    for (let r = 0; r < repeats; r++) {
      segments = 0;
      const stream = new VadStream(config, createVadFor(config, model), { onStart: () => undefined, onEnd: () => segments++ });
      const t0 = performance.now();
      for (let i = 0; i < audio.length; i += 512) {
        const w0 = performance.now();
        stream.accept(audio.subarray(i, i + 512));
        windowUs.push((performance.now() - w0) * 1000);
      }
      stream.finish();
      rtfs.push((performance.now() - t0) / audioMs);
    }
    allRtf.push(...rtfs);
    allWindowUs.push(...windowUs);
    rows.push({ fixture: name, audio_s: +(audioMs / 1000).toFixed(2), segments, rtf_median: median(rtfs), rtf_p95: percentile(rtfs, 95), window_us_median: Math.round(median(windowUs)), window_us_p95: Math.round(percentile(windowUs, 95)) });
  }
  // Ingest: 48 kHz PCM → 16 kHz windows (the resampler alone).
  const audio48 = readWavMono(path.join(FIXTURES, 'two-turns.wav'), 48000).samples;
  const resampleRtf: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const rs = new StreamingResampler(48000, 16000);
    const t0 = performance.now();
    for (let i = 0; i < audio48.length; i += 960) rs.push(audio48.subarray(i, i + 960));
    rs.flush();
    resampleRtf.push((performance.now() - t0) / ((audio48.length * 1000) / 48000));
  }
  rows.push({ fixture: 'two-turns @48k resample only', audio_s: +(audio48.length / 48000).toFixed(2), segments: null, rtf_median: median(resampleRtf), rtf_p95: percentile(resampleRtf, 95), window_us_median: null, window_us_p95: null });
  const rtf = median(allRtf);
  // A window is 32 ms of audio; the median window cost is robust to other jobs preempting us.
  const windowRtf = median(allWindowUs) / 32_000;
  writeResult({
    name: 'vad',
    description: `Silero VAD (sherpa-onnx, 1 thread, ${path.basename(path.dirname(model))}/${path.basename(model)}) on the speech fixtures in 512-sample windows, ${repeats} runs each, as fast as possible.`,
    rows,
    goals: [
      { metric: 'VAD real-time factor, whole runs (median)', goal: '≤ 0.005', value: +rtf.toFixed(5), met: rtf <= 0.005 },
      { metric: 'VAD real-time factor from the median 32 ms window', goal: '≤ 0.005', value: +windowRtf.toFixed(5), met: windowRtf <= 0.005 },
    ],
    notes: ['The machine is shared (2 cores, other jobs running): figures are upper bounds.'],
  });
}
