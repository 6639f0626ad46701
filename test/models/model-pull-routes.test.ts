// The admin "Get a model" routes against the local fakes of Hugging Face, the GitHub release API and a
// slow CDN (test/fakes/fake-model-hosts.ts), through the real daemon and its Server-Sent Events stream.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeModelHosts, type FakeModelHosts } from '../fakes/fake-model-hosts.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { readSse, type SseEvent } from '../helpers/sse-reader.ts';

const TOKEN = 'test-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };
let hosts: FakeModelHosts;
let td: TestDaemon;
let dir: string;
let modelsDir: string;

const hf = (file: string): string => `https://huggingface.co/Org/Repo-GGUF/resolve/main/${file}`;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-pull-routes-'));
  modelsDir = path.join(dir, 'models');
  // 400 KB served 16 KB every 15 ms: about 0.4 s, long enough for several progress events.
  hosts = await startFakeModelHosts({ ggufBytes: 400_000, pieceBytes: 16_000, pieceDelayMs: 15 });
  const registry = {
    models: [
      { name: 'llm-a', kind: 'llm', description: 'tiny LLM', files: [{ path: 'small.gguf', url: hf('small.gguf'), approx_size: 400_000 }], expect: ['small.gguf'] },
      { name: 'voice-x', kind: 'tts', description: 'tiny voice', files: [{ path: 'voice.bin', url: 'https://github.com/k2-fsa/sherpa-onnx/releases/download/tts-models/voice.bin' }], expect: ['voice.bin'] },
      { name: 'llm-bad', kind: 'llm', description: 'tampered on the CDN', files: [{ path: 'tampered.gguf', url: hf('tampered.gguf') }], expect: ['tampered.gguf'] },
    ],
    profiles: { en: { description: 'English', models: ['llm-a', 'voice-x'] }, broken: { description: 'bad', models: ['llm-bad'] } },
  };
  const registryPath = path.join(dir, 'registry.json');
  writeFileSync(registryPath, JSON.stringify(registry));
  process.env.VTUBER_MODELS_REGISTRY = registryPath;
  process.env.VTUBER_HF_ENDPOINT = hosts.hfEndpoint;
  process.env.VTUBER_GITHUB_API = hosts.githubApi;
  td = await startTestDaemon({ env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_MODELS_DIR: modelsDir }, stages: [] });
});

after(async () => {
  await td?.stop();
  await hosts?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function models(): Promise<{ profiles: Array<{ id: string; command: string; installed: boolean; bytes: number; models: Array<{ name: string; installed: boolean }> }> }> {
  const res = await fetch(`${td.url}/admin/models`, { headers: auth });
  assert.equal(res.status, 200);
  return (await res.json()) as never;
}

const pull = (body: unknown): Promise<Response> => fetch(`${td.url}/admin/models/pull`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });

interface Row {
  model: string;
  file: string;
  state: string;
  received: number;
  total: number | null;
  rate_bps: number;
  eta_s: number | null;
  error?: string;
}

test('the card data: profiles with their pull command, size and installed state; admin only', async () => {
  assert.equal((await fetch(`${td.url}/admin/models`)).status, 401);
  const m = await models();
  const en = m.profiles.find((p) => p.id === 'en');
  assert.equal(en?.command, 'npm run models -- pull --profile en');
  assert.equal(en?.installed, false);
  assert.deepEqual(en?.models.map((x) => x.name), ['llm-a', 'voice-x']);
});

test('a profile pull streams per-file bytes, rate and ETA over SSE, ends done, and the models are installed', async () => {
  const stream = await readSse(`${td.url}/admin/models/pull/events`, auth);
  try {
    const first = await stream.next();
    assert.equal(first.event, 'snapshot');
    const res = await pull({ profile: 'en' });
    assert.equal(res.status, 202);
    const busy = await pull({ profile: 'en' });
    assert.equal(busy.status, 409, 'a second pull waits for the first');
    assert.match(((await busy.json()) as { error: { message: string } }).error.message, /already running/);
    const events: SseEvent[] = [];
    for (;;) {
      const e = await stream.next();
      events.push(e);
      if (e.event === 'end') break;
    }
    const rows = events.filter((e) => e.event === 'progress').map((e) => (e.data as { file: Row }).file);
    const gguf = rows.filter((r) => r.file === 'small.gguf' && r.state === 'downloading');
    assert.ok(gguf.length >= 2, `several progress events while downloading (${gguf.length})`);
    for (let i = 1; i < gguf.length; i++) assert.ok((gguf[i] as Row).received >= (gguf[i - 1] as Row).received, 'bytes only go up');
    const mid = gguf[0] as Row;
    assert.equal(mid.total, 400_000);
    assert.ok(mid.received < 400_000 && mid.rate_bps > 0 && mid.eta_s !== null, JSON.stringify(mid));
    // ETA is what is left over the rate so far (to the 0.1 s it is rounded to).
    assert.ok(Math.abs(mid.eta_s - (400_000 - mid.received) / mid.rate_bps) <= 0.06, JSON.stringify(mid));
    assert.ok(rows.some((r) => r.model === 'llm-a' && r.state === 'done' && r.received === 400_000));
    assert.ok(rows.some((r) => r.model === 'voice-x' && r.file === 'voice.bin' && r.state === 'done'));
    const end = events.at(-1)?.data as { state: string; files: Row[] };
    assert.equal(end.state, 'done');
    assert.ok(end.files.every((f) => f.state === 'done'), JSON.stringify(end.files));
  } finally {
    stream.close();
  }
  const m = await models();
  assert.equal(m.profiles.find((p) => p.id === 'en')?.installed, true);
  assert.deepEqual(readFileSync(path.join(modelsDir, 'llm-a', 'small.gguf')), hosts.gguf);
});

test('a tampered download ends failed with the file and both checksums named; bad requests are named too', async () => {
  const stream = await readSse(`${td.url}/admin/models/pull/events`, auth);
  try {
    await stream.next();
    assert.equal((await pull({ profile: 'broken' })).status, 202);
    let end: SseEvent | undefined;
    while (!end) {
      const e = await stream.next();
      if (e.event === 'end') end = e;
    }
    const job = end.data as { state: string; error: string; files: Row[] };
    assert.equal(job.state, 'failed');
    assert.match(job.error, /llm-bad: checksum mismatch for tampered\.gguf .* expected sha256 [0-9a-f]{64} \(hf etag\), got [0-9a-f]{64}\. The download was deleted\./);
    const row = job.files.find((f) => f.model === 'llm-bad');
    assert.deepEqual([row?.state, row?.file], ['failed', 'tampered.gguf']);
    assert.equal(row?.error, job.error);
    assert.ok(!existsSync(path.join(modelsDir, 'llm-bad')));
  } finally {
    stream.close();
  }
  const unknown = await pull({ profile: 'nope' });
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /unknown profile nope; known: en, broken/);
  const bad = await pull({ profile: 'en', model: 'x' });
  assert.equal(bad.status, 400);
});

test('Cancel stops the download and keeps the part file; the next pull resumes it with a Range request', async () => {
  rmSync(path.join(modelsDir, 'llm-a'), { recursive: true, force: true });
  const part = path.join(modelsDir, '.downloads', 'llm-a--small.gguf.part');
  const stream = await readSse(`${td.url}/admin/models/pull/events`, auth);
  try {
    await stream.next();
    assert.equal((await pull({ model: 'llm-a' })).status, 202);
    for (;;) {
      const e = await stream.next();
      if (e.event === 'progress' && (e.data as { file: Row }).file.state === 'downloading') break;
    }
    const del = await fetch(`${td.url}/admin/models/pull`, { method: 'DELETE', headers: auth });
    assert.deepEqual(await del.json(), { cancelled: true });
    let end: SseEvent | undefined;
    while (!end) {
      const e = await stream.next();
      if (e.event === 'end') end = e;
    }
    assert.equal((end.data as { state: string }).state, 'cancelled');
    assert.ok(existsSync(part), 'the part file stays for a resume');
    const kept = readFileSync(part).length;
    assert.ok(kept > 0 && kept < 400_000, `kept ${kept} bytes`);
    assert.equal((await pull({ model: 'llm-a' })).status, 202);
    for (;;) {
      const e = await stream.next();
      if (e.event === 'end') {
        assert.equal((e.data as { state: string }).state, 'done');
        break;
      }
    }
    assert.ok(hosts.ranges.includes(`bytes=${kept}-`), `resumed from ${kept}: ${hosts.ranges.join(', ')}`);
    assert.deepEqual(readFileSync(path.join(modelsDir, 'llm-a', 'small.gguf')), hosts.gguf);
  } finally {
    stream.close();
  }
});
