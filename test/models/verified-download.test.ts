// Runs against test/fakes/fake-model-hosts.ts: Hugging Face resolve (302 + X-Linked-Etag/Size),
// the GitHub release API (asset digest) and a Range-capable CDN, written from their public docs.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { DownloadError } from '../../src/models/download.ts';
import { pullModel, PullError, verifyModel } from '../../src/models/model-install.ts';
import { ModelRegistrySchema, type ModelEntry } from '../../src/models/model-registry.ts';
import { readLock } from '../../src/models/models-lock.ts';
import { pullProfile } from '../../src/models/profile-pull.ts';
import { sha, startFakeModelHosts, type FakeModelHosts } from '../fakes/fake-model-hosts.ts';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

let hosts: FakeModelHosts;
let gguf: Buffer;
let cdn: Record<string, Buffer>;
let ranges: string[];
let base = '';
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-verified-'));
  hosts = await startFakeModelHosts();
  ({ gguf, cdn, ranges, base } = hosts);
  process.env.VTUBER_HF_ENDPOINT = hosts.hfEndpoint;
  process.env.VTUBER_GITHUB_API = hosts.githubApi;
});
after(async () => {
  await hosts.close();
  rmSync(dir, { recursive: true, force: true });
});

const hfEntry = (file: string, name = 'llm-x'): ModelEntry =>
  ({ name, kind: 'llm', description: 't', files: [{ path: file, url: `https://huggingface.co/Org/Repo-GGUF/resolve/main/${file}`, approx_size: 1_100_000 }], expect: [file] }) as ModelEntry;
const ghEntry: ModelEntry = { name: 'voice-x', kind: 'tts', description: 't', files: [{ path: 'voice.bin', url: 'https://github.com/k2-fsa/sherpa-onnx/releases/download/tts-models/voice.bin' }], expect: ['voice.bin'] } as ModelEntry;

test('a Hugging Face file is checked against X-Linked-Etag/X-Linked-Size and locked; resume uses Range', async () => {
  const modelsDir = path.join(dir, 'hf');
  const part = path.join(modelsDir, '.downloads', 'llm-x--small.gguf.part');
  mkdirSync(path.dirname(part), { recursive: true });
  writeFileSync(part, gguf.subarray(0, 40_000)); // an earlier, interrupted run
  await pullModel(hfEntry('small.gguf'), { modelsDir, out: new Sink() });
  assert.ok(ranges.includes('bytes=40000-'), 'resumed with a Range request');
  assert.deepEqual(readFileSync(path.join(modelsDir, 'llm-x', 'small.gguf')), gguf);
  const lock = readLock(modelsDir).models['llm-x'];
  assert.equal(lock?.sources[0]?.sha256, sha(gguf));
  assert.equal(lock?.sources[0]?.verified_by, 'hf etag');
  assert.equal(lock?.sources[0]?.size, gguf.length);
  assert.deepEqual((await verifyModel(hfEntry('small.gguf'), modelsDir)).ok, true);
  const f = path.join(modelsDir, 'llm-x', 'small.gguf');
  const changed = readFileSync(f);
  changed.writeUInt8(changed.readUInt8(10) ^ 1, 10);
  writeFileSync(f, changed);
  const report = await verifyModel(hfEntry('small.gguf'), modelsDir);
  assert.equal(report.ok, false);
  assert.match(report.problems.join(), /small\.gguf changed since install/);
});

test('a tampered byte fails with expected and got sha256 and the file is removed', async () => {
  const modelsDir = path.join(dir, 'tampered');
  await assert.rejects(pullModel(hfEntry('tampered.gguf'), { modelsDir, out: new Sink() }), (e: unknown) => e instanceof PullError && e.message.includes(`expected sha256 ${sha(gguf)} (hf etag), got ${sha(cdn['tampered.gguf'] as Buffer)}`) && /tampered\.gguf/.test(e.message));
  assert.deepEqual(readdirSync(path.join(modelsDir, '.downloads')), []);
  assert.ok(!existsSync(path.join(modelsDir, 'llm-x')));
});

test('a size that differs from X-Linked-Size fails and names both sizes', async () => {
  const modelsDir = path.join(dir, 'short');
  await assert.rejects(pullModel(hfEntry('short.gguf'), { modelsDir, out: new Sink() }), (e: unknown) => e instanceof Error && new RegExp(`expected ${gguf.length + 7} bytes|interrupted after ${gguf.length} of ${gguf.length + 7}`).test(e.message));
  assert.ok(!existsSync(path.join(modelsDir, 'llm-x')));
});

test('a pinned sha256 that the host no longer reports stops before any byte is downloaded', async () => {
  const modelsDir = path.join(dir, 'pinned');
  const entry = hfEntry('small.gguf');
  const pinned = { ...entry, files: [{ ...(entry.files?.[0] as NonNullable<ModelEntry['files']>[number]), sha256: 'a'.repeat(64) }] } as ModelEntry;
  await assert.rejects(pullModel(pinned, { modelsDir, out: new Sink() }), (e: unknown) => e instanceof DownloadError && /small\.gguf changed upstream: .* reports sha256 [0-9a-f]{64} \(X-Linked-Etag\) but the registry pins a{64}; nothing was downloaded/.test(e.message));
  assert.ok(!existsSync(path.join(modelsDir, '.downloads', 'llm-x--small.gguf.part')));
});

test('a GitHub release asset is checked against the release API digest', async () => {
  const modelsDir = path.join(dir, 'gh');
  await pullModel(ghEntry, { modelsDir, out: new Sink() });
  assert.equal(readLock(modelsDir).models['voice-x']?.sources[0]?.verified_by, 'github digest');
});

test('a host that never answers gives a clear timeout error; no network names the URL', async () => {
  const modelsDir = path.join(dir, 'hang');
  process.env.VTUBER_HF_ENDPOINT = `${base}/hang`;
  try {
    await assert.rejects(pullModel(hfEntry('small.gguf'), { modelsDir, out: new Sink(), idleTimeoutMs: 300 }), (e: unknown) => e instanceof DownloadError && /no answer within 0\.3 s/.test(e.message) && /resolve\/main\/small\.gguf/.test(e.message));
    process.env.VTUBER_HF_ENDPOINT = 'http://127.0.0.1:1/hf';
    await assert.rejects(pullModel(hfEntry('small.gguf'), { modelsDir, out: new Sink() }), (e: unknown) => e instanceof DownloadError && e.kind === 'network' && /127\.0\.0\.1:1\/hf\/Org\/Repo-GGUF\/resolve\/main\/small\.gguf/.test(e.message) && /about 1\.1 MB/.test(e.message));
  } finally {
    process.env.VTUBER_HF_ENDPOINT = `${base}/hf`;
  }
});

test('pull --profile fetches exactly the profile models and prints where they went', async () => {
  const modelsDir = path.join(dir, 'profile');
  const registry = ModelRegistrySchema.parse({ models: [hfEntry('small.gguf', 'llm-a'), ghEntry, hfEntry('small.gguf', 'llm-b')], profiles: { en: { description: 'd', models: ['llm-a', 'voice-x'] } } });
  const out = new Sink();
  await pullProfile(registry, 'en', { modelsDir, out });
  assert.deepEqual(Object.keys(readLock(modelsDir).models).sort(), ['llm-a', 'voice-x']);
  assert.ok(!existsSync(path.join(modelsDir, 'llm-b')));
  assert.match(out.text, /disk used: /);
});
