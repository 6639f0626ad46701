import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeTestCtcModel } from '../../scripts/make-test-models.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { encodeWavPcm16 } from '../../src/audio/wav.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

// Work per POST /asr is bounded: duration and sample rate are checked from the header before any
// decoding, and one client address has one request in flight at a time (default config).
let td: TestDaemon;
let modelsDir: string;

before(async () => {
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-bounds-'));
  const model = writeTestCtcModel(modelsDir);
  td = await startTestDaemon({ stages: [asrStage], config: { asr: { engine: 'nemo-ctc', model: model.dir } } });
});
after(async () => {
  await td?.stop();
  rmSync(modelsDir, { recursive: true, force: true });
});

async function post(wav: Buffer): Promise<{ status: number; headers: Headers; error: { code: string; message: string } | undefined }> {
  const res = await fetch(`${td.url}/asr`, { method: 'POST', body: new Uint8Array(wav), headers: { 'content-type': 'audio/wav' } });
  const json = (await res.json()) as { error?: { code: string; message: string } };
  return { status: res.status, headers: res.headers, error: json.error };
}

test('the 10 MB WAV at 1,000 Hz (5,242 s) is refused with 400 naming the accepted rates, and nothing is decoded', async () => {
  const wav = encodeWavPcm16(new Int16Array(5_242_000), 1000);
  const before = process.memoryUsage().rss;
  const r = await post(wav);
  assert.equal(r.status, 400);
  assert.equal(r.error?.code, 'BAD_AUDIO');
  assert.match(r.error?.message ?? '', /1000 Hz is not accepted; use 8000\.\.48000 Hz/);
  // Resampling it ×16 took RSS up by ~1 GB before; the refusal costs no more than the upload itself.
  assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'no decode-sized allocation');
});

test('audio longer than asr.upload_max_seconds gets 413 naming the limit', async () => {
  const r = await post(encodeWavPcm16(new Int16Array(8000 * 61), 8000));
  assert.equal(r.status, 413);
  assert.equal(r.error?.code, 'PAYLOAD_TOO_LARGE');
  assert.match(r.error?.message ?? '', /61\.0 s long; POST \/asr accepts at most 60 s \(asr\.upload_max_seconds\)/);
  const ok = await post(encodeWavPcm16(new Int16Array(8000 * 2), 8000));
  assert.equal(ok.status, 200, 'a short 8 kHz file is fine');
  const high = await post(encodeWavPcm16(new Int16Array(960), 96_000));
  assert.equal(high.status, 400);
});

test('a second request from the same address while one is in flight gets 429 with Retry-After', async () => {
  // A multipart upload is read inside the handler, so a slowly sent one holds its slot.
  const boundary = 'xBOUNDARYx';
  const wav = encodeWavPcm16(new Int16Array(16000), 16000);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(`${td.url}/asr`);
  const slow = new Promise<number>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: '/asr', method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + wav.length + tail.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(head);
    req.write(wav.subarray(0, 1000));
    setTimeout(() => {
      req.write(wav.subarray(1000));
      req.end(tail);
    }, 600);
  });
  await new Promise((r) => setTimeout(r, 250));
  const second = await post(wav);
  assert.equal(second.status, 429);
  assert.equal(second.error?.code, 'RATE_LIMITED');
  assert.equal(second.headers.get('retry-after'), '1');
  assert.equal(await slow, 200, 'the first request completes');
  const third = await post(wav);
  assert.equal(third.status, 200, 'the slot is released afterwards');
});

test('a refused WAV is answered from its header while the body is still coming, and the client gets the answer, not a reset', async () => {
  const wav = encodeWavPcm16(new Int16Array(5_242_000), 1000);
  const url = new URL(td.url);
  // Only the first 4 KB of the 10 MB body are sent; the answer must not wait for the rest.
  const early = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: '/asr', method: 'POST', headers: { 'content-type': 'audio/wav', 'content-length': wav.length } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.write(wav.subarray(0, 4096));
    setTimeout(() => reject(new Error('no answer while the body was incomplete')), 5000).unref();
  });
  assert.equal(early.status, 400);
  assert.match(early.body, /1000 Hz is not accepted/);
  // Three whole 10 MB bodies at once: each client reads its 400 (the rest of each body is drained, not reset).
  const all = await Promise.all([1, 2, 3].map(() => post(wav)));
  assert.deepEqual(all.map((r) => r.status), [400, 400, 400]);
});
