import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { isEngineError } from '../../core/errors.ts';
import { HashedEmbedder } from './hashed-embedder.ts';
import { LlamaEmbedder } from './llama-embedder.ts';
import { OpenAiEmbedder } from './openai-embedder.ts';

const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);

test('hashed embedder: deterministic unit vectors that match shared words, not meanings', async () => {
  const e = new HashedEmbedder(384);
  const [a, b, c, d] = await e.embed(['My cat is called Biscuit', 'what is my cats name? biscuit?', 'my kitten is called Biscuit', 'I like trains and rain']);
  assert.ok(a && b && c && d);
  assert.equal(a.length, 384);
  assert.ok(Math.abs(dot(a, a) - 1) < 1e-9, 'unit length');
  assert.deepEqual((await e.embed(['My cat is called Biscuit']))[0], a, 'deterministic');
  assert.ok(dot(a, b) > 0.3, `plural and case still match: ${dot(a, b)}`);
  assert.ok(dot(a, b) > dot(a, d) + 0.2, 'unrelated text scores lower');
  // Lexical, not semantic: "kitten" shares no word with "cat", so only "called Biscuit" matches.
  assert.ok(dot(a, c) < dot(a, a) - 0.1);
  assert.equal(e.id, 'hashed-ngram-v2:384');
});

test('hashed embedder: Russian word forms meet through the Snowball stemmer; Russian stopwords weigh little', async () => {
  const e = new HashedEmbedder(384);
  const [fact, question, other, stop] = await e.embed(['Кира: у меня кошка Бисквит', 'а ты помнишь, как зовут мою кошку?', 'Боб: какой сегодня классный стрим', 'а ты как']);
  assert.ok(fact && question && other && stop);
  assert.ok(dot(fact, question) >= 0.2, `кошка / кошку meet above the recall threshold: ${dot(fact, question)}`);
  assert.ok(dot(fact, question) > dot(other, question) + 0.15, 'an unrelated line scores lower');
  assert.ok(dot(stop, question) < dot(fact, question), 'shared stopwords alone count less than a shared word');
});

async function fakeEmbeddingServer(dims: number, opts: { wrongCount?: boolean } = {}): Promise<{ url: string; requests: Array<Record<string, unknown>>; close: () => Promise<void> }> {
  const requests: Array<Record<string, unknown>> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { input: string[]; model: string };
      requests.push({ ...parsed, auth: req.headers.authorization ?? null, path: req.url });
      const inputs = opts.wrongCount ? parsed.input.slice(1) : parsed.input;
      const data = inputs.map((t, index) => ({ object: 'embedding', index, embedding: Array.from({ length: dims }, (_, i) => (t.length + i) % 7) }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ object: 'list', data: data.reverse(), model: parsed.model }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

test('OpenAI-compatible embedder speaks /v1/embeddings, keeps order and normalizes', async () => {
  const fake = await fakeEmbeddingServer(8);
  try {
    const e = new OpenAiEmbedder({ url: fake.url, model: 'nomic-embed-text', apiKey: 'k-123', timeoutMs: 2000 });
    await e.init();
    assert.equal(e.dimensions, 8);
    const [x, y] = await e.embed(['a', 'bbb']);
    assert.ok(x && y);
    assert.ok(Math.abs(dot(x, x) - 1) < 1e-9);
    assert.notDeepEqual(x, y, 'vectors come back in input order even when the server reorders them');
    const last = fake.requests.at(-1);
    assert.equal(last?.path, '/v1/embeddings');
    assert.equal(last?.model, 'nomic-embed-text');
    assert.equal(last?.auth, 'Bearer k-123');
    assert.equal(e.id, `openai:nomic-embed-text@${fake.url}`);
  } finally {
    await fake.close();
  }
});

test('OpenAI-compatible embedder reports a short answer and an unreachable server as coded errors', async () => {
  const fake = await fakeEmbeddingServer(4, { wrongCount: true });
  try {
    const e = new OpenAiEmbedder({ url: fake.url, model: 'm', timeoutMs: 2000 });
    await assert.rejects(e.embed(['a', 'b']), (err) => isEngineError(err) && err.code === 'UPSTREAM_ERROR');
  } finally {
    await fake.close();
  }
  const down = new OpenAiEmbedder({ url: fake.url, model: 'm', timeoutMs: 2000 });
  await assert.rejects(down.embed(['a']), (err) => isEngineError(err) && err.code === 'UPSTREAM_UNREACHABLE');
});

test('llama embedder without its GGUF file fails with MODEL_MISSING naming the path', async () => {
  const e = new LlamaEmbedder('bge-small-en-v1.5-q8_0.gguf', '/nonexistent/models');
  await assert.rejects(e.init(), (err) => isEngineError(err) && err.code === 'MODEL_MISSING' && err.message.includes('/nonexistent/models/bge-small-en-v1.5-q8_0.gguf'));
});

test('llama embedder refuses a file that is not a GGUF before handing it to node-llama-cpp', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-gguf-'));
  try {
    writeFileSync(path.join(dir, 'html.gguf'), '<html>captive portal</html>');
    writeFileSync(path.join(dir, 'v9.gguf'), Buffer.concat([Buffer.from('GGUF'), Buffer.from([9, 0, 0, 0]), Buffer.alloc(64)]));
    await assert.rejects(new LlamaEmbedder('html.gguf', dir).init(), (err) => isEngineError(err) && /html\.gguf is not a usable GGUF file: it does not start with the GGUF magic/.test(err.message));
    await assert.rejects(new LlamaEmbedder('v9.gguf', dir).init(), (err) => isEngineError(err) && /unsupported GGUF version 9/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
