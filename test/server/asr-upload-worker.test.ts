import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { writeTestCtcModel, writeTestStreamingCtcModel } from '../../scripts/make-test-models.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { encodeWavPcm16 } from '../../src/audio/wav.ts';
import { runUploadLoad } from '../helpers/asr-upload-load.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

// POST /asr decodes, resamples and transcribes in a worker thread (asr.upload_worker), so the
// daemon's event loop stays free during the longest accepted upload. The daemon runs in this
// process, so this process's event-loop utilisation is the daemon's.
let modelsDir: string;
let ctcDir: string;
let streamingDir: string;

before(() => {
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-worker-'));
  ctcDir = writeTestCtcModel(modelsDir).dir;
  streamingDir = writeTestStreamingCtcModel(modelsDir).dir;
});
after(() => rmSync(modelsDir, { recursive: true, force: true }));

function noise(samples: number, rate: number, seed = 7): Buffer {
  const pcm = new Int16Array(samples);
  let s = seed;
  for (let i = 0; i < pcm.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    pcm[i] = ((s >>> 16) % 8000) - 4000;
  }
  return encodeWavPcm16(pcm, rate);
}

async function post(td: TestDaemon, wav: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${td.url}/asr`, { method: 'POST', body: new Uint8Array(wav), headers: { 'content-type': 'audio/wav' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function withDaemon<T>(asr: Record<string, unknown>, fn: (td: TestDaemon) => Promise<T>): Promise<T> {
  const td = await startTestDaemon({ stages: [asrStage], config: { asr } });
  try {
    return await fn(td);
  } finally {
    await td.stop();
  }
}

/** Milliseconds the event loop was busy (not waiting for I/O) while `fn` ran. */
async function busyMsDuring(fn: () => Promise<unknown>): Promise<number> {
  const from = performance.eventLoopUtilization();
  await fn();
  return performance.eventLoopUtilization(from).active;
}

test('the worker gives the same transcript as decoding on the main thread', async () => {
  const wav = noise(44_100 * 3, 44_100, 11);
  const inWorker = await withDaemon({ engine: 'nemo-ctc', model: ctcDir }, (td) => post(td, wav));
  const onLoop = await withDaemon({ engine: 'nemo-ctc', model: ctcDir, upload_worker: false }, (td) => post(td, wav));
  assert.equal(inWorker.status, 200);
  assert.equal(onLoop.status, 200);
  assert.equal(inWorker.body.text, onLoop.body.text);
  assert.ok(String(inWorker.body.text).length > 0, 'the random-weight model says something');
  assert.equal(inWorker.body.duration_ms, 3000);
});

test('errors found in the worker come back coded: a WAV with no samples is 400 BAD_AUDIO', async () => {
  await withDaemon({ engine: 'nemo-ctc', model: ctcDir }, async (td) => {
    const r = await post(td, encodeWavPcm16(new Int16Array(0), 16_000));
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error, { code: 'BAD_AUDIO', message: 'the WAV file holds no samples' });
    assert.equal((await post(td, noise(16_000, 16_000))).status, 200, 'the worker keeps serving');
  });
});

// A streaming engine decodes synchronously, so on the main thread it held the loop for the whole
// decode. (The offline engines already decode on libuv's pool; moving their resampling and feature
// extraction is measured by `npm run bench -- asr-upload`, not asserted here.)
test('nemo-ctc-streaming: three 60 s 48 kHz uploads keep the event loop free', async () => {
  const wavFile = path.join(modelsDir, 'upload-60s-48k.wav');
  writeFileSync(wavFile, noise(48_000 * 60, 48_000));
  const busy = async (uploadWorker: boolean): Promise<number> =>
    withDaemon({ engine: 'nemo-ctc-streaming', model: streamingDir, upload_concurrency_per_ip: 3, upload_worker: uploadWorker }, async (td) => {
      assert.equal((await post(td, noise(16_000, 16_000))).status, 200, 'warm-up: the recognizer is loaded');
      let statuses: number[] = [];
      const ms = await busyMsDuring(async () => {
        statuses = (await runUploadLoad(td.url, wavFile, 3, 50)).statuses;
      });
      assert.deepEqual(statuses, [200, 200, 200]);
      return ms;
    });
  const onLoop = await busy(false);
  const inWorker = await busy(true);
  // The client is another process, so this is the daemon's own work: receiving the bodies, and
  // without the worker the decoding too. Compared as a ratio so a loaded machine slows both alike.
  assert.ok(inWorker < onLoop * 0.5, `event loop busy ${inWorker.toFixed(0)} ms with the worker vs ${onLoop.toFixed(0)} ms without`);
});
