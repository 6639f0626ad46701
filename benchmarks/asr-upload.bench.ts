// POST /asr under hostile load: 3 parallel worst-case uploads while /healthz is polled every 20 ms.
// Worst accepted case: 60 s of 48 kHz noise (resampled to 16 kHz and decoded); the case, a
// 10 MB WAV at 1,000 Hz (5,242 s), is refused from its header. The daemon runs in this process, so
// the /healthz latency is exactly how long its event loop was blocked; RSS is the process's.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeTestCtcModel } from '../scripts/make-test-models.ts';
import { asrStage } from '../src/asr/asr-stage.ts';
import { encodeWavPcm16 } from '../src/audio/wav.ts';
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

async function scenario(url: string, wav: Buffer, parallel: number): Promise<BenchRow & { p99: number; rssMax: number }> {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const lat: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t0 = performance.now();
      await (await fetch(`${url}/healthz`)).arrayBuffer();
      lat.push(performance.now() - t0);
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t0 = performance.now();
  const statuses = await Promise.all(Array.from({ length: parallel }, async () => (await fetch(`${url}/asr`, { method: 'POST', body: new Uint8Array(wav), headers: { 'content-type': 'audio/wav' } })).status));
  const wall = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 100));
  polling = false;
  await poller;
  const p99 = percentile(lat, 99);
  return { statuses: statuses.join(','), wall_ms: Math.round(wall), healthz_samples: lat.length, healthz_p50_ms: +median(lat).toFixed(1), healthz_p99_ms: +p99.toFixed(1), healthz_max_ms: +Math.max(...lat).toFixed(1), rss_start_mb: Math.round(rss0 / 2 ** 20), rss_max_mb: Math.round(rssMax / 2 ** 20), p99, rssMax };
}

export async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-upload-bench-'));
  const model = writeTestCtcModel(tmp);
  // Three in flight from one address, so all three worst cases are really processed.
  const td = await startTestDaemon({ stages: [asrStage], config: { asr: { engine: 'nemo-ctc', model: model.dir, upload_concurrency_per_ip: 3 } }, logLevel: 'silent' });
  const rows: BenchRow[] = [];
  let worstP99 = 0;
  let worstRss = 0;
  try {
    const cases: Array<[string, Buffer]> = [
      ['10 MB WAV at 1,000 Hz (5,242 s): refused from the header', noise(5_242_000, 1000)],
      ['60 s at 48 kHz (5.8 MB): resampled and decoded', noise(48_000 * 60, 48_000)],
    ];
    for (const [name, wav] of cases) {
      for (let run = 0; run < 3; run++) {
        const r = await scenario(td.url, wav, 3);
        worstP99 = Math.max(worstP99, r.p99);
        worstRss = Math.max(worstRss, r.rssMax);
        const { p99: _p, rssMax: _r, ...row } = r;
        rows.push({ case: name, run: run + 1, ...row });
      }
    }
  } finally {
    await td.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  writeResult({
    name: 'asr-upload',
    description: '3 parallel POST /asr uploads per run, /healthz polled every 20 ms from the same process (tiny random-weight CTC model as the recognizer).',
    rows,
    goals: [
      { metric: '/healthz p99 during 3 parallel worst-case uploads (worst run, ms)', goal: '< 50 ms', value: +worstP99.toFixed(1), met: worstP99 < 50 },
      { metric: 'RSS during 3 parallel worst-case uploads (max, MB)', goal: '< 400 MB', value: Math.round(worstRss / 2 ** 20), met: worstRss < 400 * 2 ** 20 },
    ],
    notes: ['Before this change the 1,000 Hz case was resampled ×16 on the event loop: RSS 181 → 1,141 MB and /healthz 7.2 s for one upload; three took RSS to 2.3 GB (figures from the issue).', 'The machine is shared (2 cores, other jobs running): figures are upper bounds.'],
  });
}
