import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ROOT_DIR } from '../src/config/env.ts';
import { DownloadError } from '../src/models/download.ts';
import { pullModel, verifyModel } from '../src/models/model-install.ts';
import { ModelEntrySchema, type ModelEntry } from '../src/models/model-registry.ts';

interface FakeFileServer {
  url(name: string): string;
  requests: Array<{ path: string; range: string | undefined }>;
  /** The next full (non-Range) response of `name` is cut after this many bytes. */
  cutNext(name: string, bytes: number): void;
  close(): Promise<void>;
}

/** Serves files from memory with HTTP Range support, and can drop a transfer midway. */
async function fakeFileServer(files: Record<string, Buffer>): Promise<FakeFileServer> {
  const requests: FakeFileServer['requests'] = [];
  const cuts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    const range = req.headers.range;
    requests.push({ path: name, range });
    const body = files[name];
    if (!body) return void res.writeHead(404).end();
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      const from = Number(m[1]);
      if (from >= body.length) return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` });
      return void res.end(body.subarray(from));
    }
    const cut = cuts.get(name);
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    if (cut === undefined) return void res.end(body);
    cuts.delete(name);
    res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    requests,
    cutNext: (name, bytes) => cuts.set(name, bytes),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

let dir: string;
let archive: Buffer;
let single: Buffer;
let server: FakeFileServer;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-models-cmd-'));
  const src = path.join(dir, 'src', 'fake-model-2024');
  mkdirSync(src, { recursive: true });
  writeFileSync(path.join(src, 'tokens.txt'), 'a 0\nb 1\n');
  writeFileSync(path.join(src, 'model.onnx'), randomBytes(400_000)); // incompressible, so the archive is big enough to cut
  execFileSync('tar', ['-cjf', path.join(dir, 'fake.tar.bz2'), '-C', path.join(dir, 'src'), 'fake-model-2024']);
  archive = readFileSync(path.join(dir, 'fake.tar.bz2'));
  single = randomBytes(50_000);
  server = await fakeFileServer({ 'fake.tar.bz2': archive, 'vad.onnx': single });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function archiveEntry(sha256: string): ModelEntry {
  return ModelEntrySchema.parse({ name: 'fake-model-2024', kind: 'asr', description: 'test', archive: { url: server.url('fake.tar.bz2'), sha256 }, expect: ['tokens.txt', 'model.onnx'] });
}

test('an interrupted download resumes with an HTTP Range request and installs a verified model', async () => {
  const modelsDir = path.join(dir, 'resume');
  const out = new Sink();
  const entry = archiveEntry(sha(archive));
  server.cutNext('fake.tar.bz2', 150_000);
  const before = server.requests.length;
  await assert.rejects(pullModel(entry, { modelsDir, out }), (err: unknown) => err instanceof DownloadError && err.kind === 'interrupted' && /run the same command again/.test(err.message));
  const part = path.join(modelsDir, '.downloads', 'fake-model-2024--fake.tar.bz2.part');
  const partSize = statSync(part).size;
  assert.ok(partSize > 0 && partSize <= 150_000, `part file keeps ${partSize} bytes`);
  assert.ok(!existsSync(path.join(modelsDir, 'fake-model-2024')), 'nothing installed yet');

  const result = await pullModel(entry, { modelsDir, out });
  const reqs = server.requests.slice(before);
  assert.equal(reqs.length, 2);
  assert.equal(reqs[0]!.range, undefined);
  assert.equal(reqs[1]!.range, `bytes=${partSize}-`);
  assert.deepEqual(result.files, ['model.onnx', 'tokens.txt']);
  assert.equal(readFileSync(path.join(modelsDir, 'fake-model-2024', 'tokens.txt'), 'utf8'), 'a 0\nb 1\n');
  assert.ok(!existsSync(part), 'part file removed after install');
  assert.deepEqual(readdirSync(modelsDir).sort(), ['.downloads', 'fake-model-2024', 'models.lock.json']);
  assert.match(out.text, /100% /, 'progress reached 100 %');
  assert.deepEqual(await verifyModel(entry, modelsDir), { name: 'fake-model-2024', ok: true, problems: [] });

  // verify notices a changed file
  appendFileSync(path.join(modelsDir, 'fake-model-2024', 'tokens.txt'), 'c 2\n');
  const report = await verifyModel(entry, modelsDir);
  assert.equal(report.ok, false);
  assert.match(report.problems.join(), /tokens\.txt changed since install \(sha256 differs from models\.lock\.json\)/);
});

test('`npm run models -- pull` with a wrong sha256 fails, deletes the download and installs nothing', async () => {
  const modelsDir = path.join(dir, 'badsum');
  const registry = path.join(dir, 'registry-bad.json');
  writeFileSync(registry, JSON.stringify({ models: [{ ...archiveEntry('0'.repeat(64)), archive: { url: server.url('fake.tar.bz2'), sha256: '0'.repeat(64) } }] }));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src/cli/models.ts'), 'pull', 'fake-model-2024', '--registry', registry], {
    cwd: ROOT_DIR,
    env: { ...process.env, VTUBER_MODELS_DIR: modelsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 1, stderr);
  assert.match(stderr, new RegExp(`checksum mismatch .*expected sha256 0{64} \\(pinned sha256\\), got ${sha(archive)}`));
  assert.ok(!existsSync(path.join(modelsDir, 'fake-model-2024')));
  assert.deepEqual(readdirSync(path.join(modelsDir, '.downloads')), [], 'no part file left');
});

test('a registry entry with no way to verify it (no pinned sha256, not a Hugging Face or GitHub release URL) is rejected', () => {
  const parsed = ModelEntrySchema.safeParse({ name: 'x', kind: 'asr', description: 'test', archive: { url: server.url('fake.tar.bz2') }, expect: [] });
  assert.equal(parsed.success, false);
  assert.match(JSON.stringify(parsed.error?.issues), /pinned sha256, a Hugging Face resolve URL or a GitHub release URL/);
});

test('single-file models are saved under the model folder and checked against the registry', async () => {
  const modelsDir = path.join(dir, 'single');
  const entry = ModelEntrySchema.parse({ name: 'tiny-vad', kind: 'vad', description: 'test', files: [{ path: 'vad.onnx', url: server.url('vad.onnx'), sha256: sha(single) }], expect: ['vad.onnx'] });
  await pullModel(entry, { modelsDir, out: new Sink() });
  assert.deepEqual(readFileSync(path.join(modelsDir, 'tiny-vad', 'vad.onnx')), single);
  const again = new Sink();
  await pullModel(entry, { modelsDir, out: again });
  assert.match(again.text, /already installed/);
});
