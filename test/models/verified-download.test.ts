// A local fake of the two hosts, written from their public docs:
// - Hugging Face: `HEAD /<repo>/resolve/<rev>/<file>` answers 302 to a CDN URL with X-Linked-Etag (LFS
//   sha256, quoted), X-Linked-Size and X-Repo-Commit (huggingface_hub file_download, get_hf_file_metadata).
// - GitHub REST "Get a release by tag name": `GET /repos/{owner}/{repo}/releases/tags/{tag}` returns
//   assets[] with name, size, digest ("sha256:<hex>") and browser_download_url.
// - The CDN honours `Range: bytes=N-` with 206 + Content-Range (RFC 9110 §14).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { DownloadError } from '../../src/models/download.ts';
import { pullModel, PullError, verifyModel } from '../../src/models/model-install.ts';
import { ModelRegistrySchema, type ModelEntry } from '../../src/models/model-registry.ts';
import { readLock } from '../../src/models/models-lock.ts';
import { pullProfile } from '../../src/models/profile-pull.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const gguf = randomBytes(120_000);
const voice = randomBytes(30_000);
/** What the CDN serves (may be tampered) vs what the metadata claims. */
const cdn: Record<string, Buffer> = { 'small.gguf': gguf, 'voice.bin': voice, 'tampered.gguf': Buffer.from(gguf), 'short.gguf': gguf };
const tampered = cdn['tampered.gguf'] as Buffer;
tampered.writeUInt8(tampered.readUInt8(500) ^ 0xff, 500);
const claims: Record<string, { sha: string; size: number }> = {
  'small.gguf': { sha: sha(gguf), size: gguf.length },
  'tampered.gguf': { sha: sha(gguf), size: gguf.length },
  'short.gguf': { sha: sha(gguf), size: gguf.length + 7 },
};
let base = '';
let server: http.Server;
let dir: string;
const ranges: string[] = [];

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-verified-'));
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const hf = /^\/hf\/[^/]+\/[^/]+\/resolve\/main\/(.+)$/.exec(url);
    if (hf) {
      const c = claims[hf[1] as string];
      if (!c) return void res.writeHead(404).end();
      return void res.writeHead(302, { location: `${base}/cdn/${hf[1]}`, 'x-linked-etag': `"${c.sha}"`, 'x-linked-size': String(c.size), 'x-repo-commit': 'abc123' }).end();
    }
    if (url === '/api/repos/k2-fsa/sherpa-onnx/releases/tags/tts-models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ tag_name: 'tts-models', assets: [{ name: 'voice.bin', size: voice.length, digest: `sha256:${sha(voice)}`, browser_download_url: `${base}/cdn/voice.bin` }] }));
    }
    if (url.startsWith('/hang/')) return; // accepts the connection, never answers
    const file = /^\/cdn\/(.+)$/.exec(url)?.[1];
    const body = file ? cdn[file] : undefined;
    if (!body) return void res.writeHead(404).end();
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      ranges.push(req.headers.range as string);
      const from = Number(m[1]);
      res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` });
      return void res.end(body.subarray(from));
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.VTUBER_HF_ENDPOINT = `${base}/hf`;
  process.env.VTUBER_GITHUB_API = `${base}/api`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const hfEntry = (file: string, name = 'llm-x'): ModelEntry =>
  ({ name, kind: 'llm', description: 't', files: [{ path: file, url: `https://huggingface.co/Org/Repo-GGUF/resolve/main/${file}`, approx_size: 1_100_000 }], expect: [file] }) as ModelEntry;
const ghEntry: ModelEntry = { name: 'voice-x', kind: 'tts', description: 't', files: [{ path: 'voice.bin', url: 'https://github.com/k2-fsa/sherpa-onnx/releases/download/tts-models/voice.bin' }], expect: ['voice.bin'] } as ModelEntry;

test('a Hugging Face file is checked against X-Linked-Etag/X-Linked-Size and locked; resume uses Range', async () => {
  const modelsDir = path.join(dir, 'hf');
  const part = path.join(modelsDir, '.downloads', 'llm-x--small.gguf.part');
  await import('node:fs').then((fs) => fs.mkdirSync(path.dirname(part), { recursive: true }));
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
