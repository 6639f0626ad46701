import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { writeTestCtcModel } from '../../scripts/make-test-models.ts';
import { AsrConfigSchema } from '../../src/asr/asr-config.ts';
import { UploadBufferPool } from '../../src/asr/upload-buffer-pool.ts';
import { AsrUploadWorker } from '../../src/asr/upload-worker-client.ts';
import { encodeWavPcm16 } from '../../src/audio/wav.ts';

// POST /asr bodies land in pooled receive buffers whose pages are already faulted in (a first write
// into fresh memory is what blocked the event loop); a buffer lent to the upload worker thread
// comes back with its reply and is used again.
let modelsDir: string;
let worker: AsrUploadWorker;
// The worker thread is unref'd (it must not hold the daemon open), so the test keeps the loop alive.
let keepAlive: NodeJS.Timeout;

before(() => {
  keepAlive = setInterval(() => undefined, 1000);
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-pool-'));
  const model = writeTestCtcModel(modelsDir);
  const config = AsrConfigSchema.parse({ engine: 'nemo-ctc', model: model.dir });
  worker = new AsrUploadWorker({ engine: 'nemo-ctc', config, modelsDir }, 4, pino({ level: 'silent' }));
});
after(async () => {
  clearInterval(keepAlive);
  await worker.dispose();
  rmSync(modelsDir, { recursive: true, force: true });
});

test('a pooled buffer goes to the upload worker and comes back whole, and the pool hands it out again', async () => {
  const pool = new UploadBufferPool(1024 * 1024, 2);
  const wav = encodeWavPcm16(new Int16Array(16_000), 16_000);
  const store = pool.take();
  new Uint8Array(store).set(wav);
  const body = new Uint8Array(store, 0, wav.length);
  const back: ArrayBuffer[] = [];
  const t = await worker.transcribe(body, undefined, (b) => {
    back.push(b);
    pool.give(b);
  });
  assert.equal(typeof t.text, 'string');
  assert.equal(Math.round(t.durationMs), 1000, 'the worker read only the file, not the whole buffer');
  assert.equal(store.byteLength, 0, 'the buffer was moved to the thread, not copied');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(back.length, 1);
  assert.equal(back[0]?.byteLength, 1024 * 1024, 'it came back whole');
  assert.deepEqual(new Uint8Array(back[0] as ArrayBuffer, 0, 12), new Uint8Array(wav.subarray(0, 12)), 'with its bytes');
  assert.equal(pool.size, 1);
  assert.equal(pool.take(), back[0], 'and is handed out again');
});

test('the pool keeps at most `keep` buffers of its size, each once', () => {
  const pool = new UploadBufferPool(4096, 1);
  const a = pool.take();
  const b = pool.take();
  assert.notEqual(a, b);
  pool.give(new ArrayBuffer(1024));
  assert.equal(pool.size, 0, 'a buffer of another size is not kept');
  const gone = pool.take();
  structuredClone(gone, { transfer: [gone] });
  pool.give(gone);
  assert.equal(pool.size, 0, 'a detached buffer is not kept');
  pool.give(a);
  pool.give(b);
  assert.equal(pool.size, 1, 'beyond keep, buffers are left to the GC');
  pool.give(a);
  assert.equal(pool.size, 1, 'a buffer is not pooled twice');
});
