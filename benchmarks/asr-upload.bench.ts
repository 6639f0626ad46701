// POST /asr under hostile load: 3 parallel worst-case uploads while /healthz is polled every 20 ms.
// Worst accepted case: 60 s of 48 kHz noise (resampled to 16 kHz and decoded); the case, a
// 10 MB WAV at 1,000 Hz (5,242 s), is refused from its header. The daemon runs in this process and
// the client in another (test/helpers/asr-upload-client.mjs), so /healthz latency and RSS are the
// daemon's, not the client's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { writeTestCtcModel } from '../scripts/make-test-models.ts';
import { asrStage } from '../src/asr/asr-stage.ts';
import { encodeWavPcm16 } from '../src/audio/wav.ts';
import { runUploadLoad } from '../test/helpers/asr-upload-load.ts';
import { startTestDaemon } from '../test/helpers/test-daemon.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

function noise(samples: number, rate: number): Buffer {
  const pcm = new Int16Array(samples);
  let seed = 7;
  for (let i = 0; i < pcm.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    pcm[i] = ((seed >>> 16) % 8000) - 4000;
  }
  return encodeWavPcm16(pcm, rate);
}

/** One run: the client process sends `parallel` uploads and polls /healthz; this process (the daemon) samples its RSS. */
async function scenario(url: string, wavFile: string, parallel: number): Promise<{ row: BenchRow; p99: number; rssMax: number; lat: number[] }> {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
  }, 20);
  // The daemon's own event-loop delay: what /healthz waits for inside the daemon, apart from the
  // client process and the CPU the three processes share.
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const elu0 = performance.eventLoopUtilization();
  const r = await runUploadLoad(url, wavFile, parallel, 20).finally(() => {
    clearInterval(sampler);
    eld.disable();
  });
  // Busy time of the daemon's event loop: a delay with a low busy share is the shared CPU, not our code.
  const elu = performance.eventLoopUtilization(elu0);
  rssMax = Math.max(rssMax, process.memoryUsage().rss);
  const lat = r.healthz_ms;
  const p99 = percentile(lat, 99);
  const row: BenchRow = { statuses: r.statuses.join(','), wall_ms: Math.round(r.wall_ms), healthz_samples: lat.length, healthz_p50_ms: +median(lat).toFixed(1), healthz_p99_ms: +p99.toFixed(1), healthz_max_ms: +Math.max(...lat).toFixed(1), loop_delay_p99_ms: +(eld.percentile(99) / 1e6).toFixed(1), loop_delay_max_ms: +(eld.max / 1e6).toFixed(1), loop_busy_ms: Math.round(elu.active), loop_busy_share: +elu.utilization.toFixed(3), rss_start_mb: Math.round(rss0 / 2 ** 20), rss_max_mb: Math.round(rssMax / 2 ** 20) };
  return { row, p99, rssMax, lat };
}

export async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-upload-bench-'));
  const model = writeTestCtcModel(tmp);
  const cases: Array<[string, string]> = [
    ['10 MB WAV at 1,000 Hz (5,242 s): refused from the header', path.join(tmp, 'long-1k.wav')],
    ['60 s at 48 kHz (5.8 MB): resampled and decoded', path.join(tmp, '60s-48k.wav')],
  ];
  writeFileSync(cases[0]![1], noise(5_242_000, 1000));
  writeFileSync(cases[1]![1], noise(48_000 * 60, 48_000));
  const rows: BenchRow[] = [];
  let worstP99 = 0;
  const allPolls: number[] = [];
  let worstRss = 0;
  try {
    // upload_worker false is the code before the worker (decoding on the event loop), for comparison.
    // The worker runs first, so its RSS is not raised by what the other daemon left in this process.
    for (const uploadWorker of [true, false]) {
      // Three in flight from one address, so all three worst cases are really processed.
      const td = await startTestDaemon({ stages: [asrStage], config: { asr: { engine: 'nemo-ctc', model: model.dir, upload_concurrency_per_ip: 3, upload_worker: uploadWorker } }, logLevel: 'silent' });
      try {
        for (const [name, wavFile] of cases) {
          for (let run = 0; run < 3; run++) {
            const r = await scenario(td.url, wavFile, 3);
            if (uploadWorker) {
              worstP99 = Math.max(worstP99, r.p99);
              allPolls.push(...r.lat);
              worstRss = Math.max(worstRss, r.rssMax);
            }
            rows.push({ case: name, upload_worker: uploadWorker ? 'yes' : 'no (before)', run: run + 1, ...r.row });
          }
        }
      } finally {
        await td.stop();
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeResult({
    name: 'asr-upload',
    description: '3 parallel POST /asr uploads per run from one client process while a third process polls /healthz every 20 ms; RSS, event-loop delay (monitorEventLoopDelay, 5 ms resolution) and busy time (eventLoopUtilization) are the daemon process (with its upload worker thread). Tiny random-weight CTC model as the recognizer.',
    rows,
    goals: [
      { metric: '/healthz p99 during 3 parallel worst-case uploads (worst run, ms)', goal: '< 50 ms', value: +worstP99.toFixed(1), met: worstP99 < 50 },
      { metric: `/healthz p99 over every poll of the upload_worker runs (${allPolls.length} polls, ms)`, goal: '< 50 ms', value: +percentile(allPolls, 99).toFixed(1), met: percentile(allPolls, 99) < 50 },
      { metric: 'RSS during 3 parallel worst-case uploads (max, MB)', goal: '< 400 MB', value: Math.round(worstRss / 2 ** 20), met: worstRss < 400 * 2 ** 20 },
    ],
    notes: ['Goals are read from the upload_worker=yes rows; the upload_worker=no rows are the previous code path (decode and resample on the event loop) on the same machine and load.', 'Before this change the 1,000 Hz case was resampled ×16 on the event loop: RSS 181 → 1,141 MB and /healthz 7.2 s for one upload; three took RSS to 2.3 GB (figures from the issue).', 'The machine is shared (2 cores, other jobs running): figures are upper bounds. With ~40–70 polls per run, a run’s /healthz p99 is its slowest poll.'],
  });
}
