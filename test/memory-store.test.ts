import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ChromaClient } from 'chromadb';
import pino from 'pino';
import { ROOT_DIR } from '../src/config/env.ts';
import { isEngineError } from '../src/core/errors.ts';
import { ChromaStore, isHashedUpgrade } from '../src/memory/chroma-store.ts';
import { ChromaSupervisor } from '../src/memory/chroma-supervisor.ts';
import { Consolidator } from '../src/memory/consolidator.ts';
import { HashedEmbedder } from '../src/memory/embedders/hashed-embedder.ts';
import { MemoryConfigSchema } from '../src/memory/memory-config.ts';
import { MemoryDb } from '../src/memory/memory-db.ts';
import { toChromaMetadata, type MemoryItem } from '../src/memory/memory-item.ts';
import { MemoryService } from '../src/memory/memory-service.ts';
import { memoryStage } from '../src/memory/memory-stage.ts';
import { startTestDaemon } from './helpers/test-daemon.ts';
import { until } from './helpers/memory-fixtures.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-memstore-'));
const log = pino({ level: 'silent' });
let chroma: ChromaSupervisor;

before(async () => {
  chroma = new ChromaSupervisor({ mode: 'embedded', url: '', port: 0, dataPath: path.join(dir, 'chroma'), rootDir: ROOT_DIR, healthIntervalMs: 1000, startupTimeoutMs: 30_000, backoff: { initialMs: 200, maxMs: 1000 }, log });
  assert.ok(await chroma.start(), `chroma started: ${chroma.lastErrors().join(' | ')}`);
});
after(async () => {
  const pid = chroma.pid;
  await chroma.stop();
  if (pid) assert.throws(() => process.kill(pid, 0), 'the chroma child is reaped on stop');
  rmSync(dir, { recursive: true, force: true });
});

const item = (id: string, text: string, extra: Partial<MemoryItem['metadata']> = {}): MemoryItem => ({
  id,
  text,
  metadata: { kind: 'user', scope: 'long', importance: 0.5, tags: [], emotion: '', user_id: 'twitch:1', user_name: 'Alice', source: 'test', character: 'default', created_at: Date.now(), updated_at: Date.now(), expires_at: 0, ...extra },
});

test('switching embedders refuses with a clear message, or re-embeds without mixing vectors', async () => {
  const a = new ChromaStore('switch', new HashedEmbedder(384), log);
  await a.open(chroma.url, 'refuse');
  await a.upsert([item('s1', 'my cat is called Biscuit'), item('s2', 'I live in Lyon and work nights')]);
  const other = new HashedEmbedder(256);
  const b = new ChromaStore('switch', other, log);
  await assert.rejects(b.open(chroma.url, 'refuse'), (err) => isEngineError(err) && err.code === 'CONFIG_INVALID' && /hashed-ngram-v2:384/.test(err.message) && /hashed-ngram-v2:256/.test(err.message) && /on_change: reembed/.test(err.message));
  await b.open(chroma.url, 'reembed');
  assert.equal(await b.count('long'), 2);
  const [v] = await other.embed(['what is my cat called']);
  const hits = await b.query('long', v as number[], 2);
  assert.equal(hits[0]?.id, 's1');
  assert.equal(hits[0]?.metadata.user_name, 'Alice', 'metadata survives re-embedding');
  const again = new ChromaStore('switch', other, log);
  await again.open(chroma.url, 'refuse');
  assert.equal(await again.count('long'), 2, 'the new embedder is now recorded');
});

test('memories of an older built-in hashed embedder are re-embedded even with on_change: refuse', async () => {
  /** Stands for the v1 embedder a store was written with before the Russian stemming came. */
  class HashedV1 extends HashedEmbedder {
    override readonly id = 'hashed-ngram-v1:384';
  }
  const old = new ChromaStore('upgrade', new HashedV1(384), log);
  await old.open(chroma.url, 'refuse');
  await old.upsert([item('u1', 'Кира: у меня кошка Бисквит'), item('u2', 'I live in Lyon and work nights')]);
  const current = new HashedEmbedder(384);
  const store = new ChromaStore('upgrade', current, log);
  await store.open(chroma.url, 'refuse');
  assert.equal(await store.count('long'), 2);
  const [v] = await current.embed(['как зовут мою кошку?']);
  assert.equal((await store.query('long', v as number[], 1))[0]?.id, 'u1');
  assert.equal(isHashedUpgrade('hashed-ngram-v2:384', 'hashed-ngram-v1:384'), false, 'never downgrades silently');
  assert.equal(isHashedUpgrade('hashed-ngram-v1:256', 'hashed-ngram-v2:384'), false, 'a size change still asks');
});

test('LLM consolidation writes the facts the OpenAI-compatible server returns', async () => {
  const requests: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(JSON.parse(body));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: '- Erin is stuck on the lava cave dragon.\n- Erin finds chapter three hard.' } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const cfg = MemoryConfigSchema.parse({ chroma: { collection_prefix: 'consol' }, consolidation: { llm_url: url, llm_model: 'tiny', min_age_minutes: 1 } });
  const db = new MemoryDb(path.join(dir, 'consol'));
  const embedder = new HashedEmbedder(384);
  const store = new ChromaStore('consol', embedder, log);
  await store.open(chroma.url, 'refuse');
  const memory = new MemoryService(cfg, db, store, embedder, () => chroma.isHealthy, log);
  try {
    const old = Date.now() - 3_600_000;
    memory.write([
      item('c1', 'Erin: the boss fight in chapter three was brutal', { scope: 'session', user_id: 'twitch:5', user_name: 'Erin', created_at: old, expires_at: Date.now() + 3_600_000 }),
      item('c2', 'Erin: I keep dying to the dragon', { scope: 'session', user_id: 'twitch:5', user_name: 'Erin', created_at: old, expires_at: Date.now() + 3_600_000 }),
      item('c3', 'Zed: still talking right now', { scope: 'session', user_id: 'twitch:9', user_name: 'Zed', created_at: old, expires_at: Date.now() + 3_600_000 }),
    ]);
    assert.ok(await memory.settle(10_000));
    const report = await new Consolidator(memory, log, () => new Set(['twitch:9'])).run('test');
    assert.deepEqual({ method: report.method, created: report.created, removed: report.removed, active: report.skipped_active }, { method: 'llm', created: 2, removed: 2, active: 1 });
    const long = await store.all('long', { user_id: 'twitch:5' });
    assert.deepEqual(long.map((l) => l.text).sort(), ['Erin finds chapter three hard.', 'Erin is stuck on the lava cave dragon.']);
    assert.equal((await store.all('session', { user_id: 'twitch:9' })).length, 1, 'the active conversation is untouched');
    assert.match(JSON.stringify(requests[0]), /dying to the dragon/);
  } finally {
    memory.close();
    db.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('remote mode uses a running Chroma server by URL and forgets a viewer on request', async () => {
  const td = await startTestDaemon({
    config: { memory: { chroma: { mode: 'remote', url: chroma.url, collection_prefix: 'remote_mode', health_interval_ms: 300 } } },
    env: { VTUBER_ADMIN_TOKEN: 't' },
    stages: [memoryStage],
  });
  try {
    await until(() => td.daemon.status.get('stage', 'memory')?.state === 'live', 10_000, 'memory live');
    const info = td.daemon.status.get('stage', 'memory')?.info?.chroma as { mode: string; pid: number | null };
    assert.deepEqual({ mode: info.mode, pid: info.pid }, { mode: 'remote', pid: null }, 'no child process in remote mode');
    const headers = { authorization: 'Bearer t', 'content-type': 'application/json' };
    const body = JSON.stringify({ items: [{ text: 'Ivy plays the cello in an orchestra', metadata: { user_id: 'twitch:42', user_name: 'Ivy' } }] });
    assert.equal((await fetch(`${td.url}/admin/memory/import`, { method: 'POST', headers, body })).status, 200);
    const search = (await (await fetch(`${td.url}/admin/memory/search?q=cello`, { headers })).json()) as { items: Array<{ text: string }> };
    assert.match(search.items[0]?.text ?? '', /cello/);
    const direct = new ChromaStore('remote_mode', new HashedEmbedder(384), log);
    await direct.open(chroma.url, 'refuse');
    assert.equal(await direct.count('long'), 1, 'the item is on the remote server');
    assert.equal((await fetch(`${td.url}/admin/memory/user/twitch%3A42`, { method: 'DELETE', headers: { authorization: 'Bearer t' } })).status, 200);
    assert.equal(await direct.count('long'), 0);
  } finally {
    await td.stop();
  }
});

test('a 2,500-item write lands as 1,000-item outbox rows written two at a time; a later row for the same id still wins', async () => {
  const cfg = MemoryConfigSchema.parse({ chroma: { collection_prefix: 'rows' } });
  const db = new MemoryDb(path.join(dir, 'rows'));
  const embedder = new HashedEmbedder(384);
  const store = new ChromaStore('rows', embedder, log);
  await store.open(chroma.url, 'refuse');
  const memory = new MemoryService(cfg, db, store, embedder, () => false, log);
  try {
    const now = Date.now();
    const item = (id: string, text: string): MemoryItem => ({ id, text, metadata: { kind: 'user', scope: 'long', importance: 0.5, tags: [], emotion: '', user_id: 'twitch:1', user_name: 'A', source: 'test', character: 'default', created_at: now, updated_at: now, expires_at: 0 } });
    // Chroma reported down, so the rows stay in the outbox to be looked at.
    memory.write(Array.from({ length: 2500 }, (_, i) => item(`row-${i}`, `note ${i}`)));
    memory.write([item('row-7', 'note 7, corrected')]);
    assert.deepEqual(db.peek(10).map((r) => (r.op.op === 'upsert' ? r.op.items.length : -1)), [1000, 1000, 500, 1]);
    const up = new MemoryService(cfg, db, store, embedder, () => chroma.isHealthy, log);
    up.beginImport(2501);
    assert.ok(await up.settle(60_000));
    assert.equal(await store.count('long'), 2500);
    const [got] = await store.get('long', { ids: ['row-7'] });
    assert.equal(got?.text, 'note 7, corrected', 'the row written later was applied later');
    assert.equal(up.importProgress(), '2501/2501', 'progress counts the stored rows');
    up.endImport();
    assert.equal(up.importProgress(), undefined);
    up.close();
  } finally {
    memory.close();
    db.close();
  }
});

test('texts are stored without Chroma documents (no full-text index), and memories written by older builds as documents still read', async () => {
  const embedder = new HashedEmbedder(384);
  const store = new ChromaStore('format', embedder, log);
  await store.open(chroma.url, 'refuse');
  // An older build's write: the text as a Chroma document, no `text` metadata key.
  const u = new URL(chroma.url);
  const raw = await new ChromaClient({ host: u.hostname, port: Number(u.port) }).getCollection({ name: store.collectionName('long'), embeddingFunction: null as never });
  const legacy = item('legacy-1', 'моя кошка Бисквит любит молоко', { user_id: 'twitch:42' });
  const [lv] = await embedder.embed([legacy.text]);
  await raw.upsert({ ids: [legacy.id], documents: [legacy.text], metadatas: [toChromaMetadata(legacy.metadata)], embeddings: [lv as number[]] });
  await store.upsert([item('new-1', 'my dog Rex loves the park', { user_id: 'twitch:42' })]);

  const stored = await raw.get({ ids: ['new-1'], include: ['documents', 'metadatas'] as never });
  assert.equal(stored.documents[0] ?? null, null, 'no Chroma document (nothing for its full-text index)');
  assert.equal(stored.metadatas[0]?.text, 'my dog Rex loves the park');

  const byId = new Map((await store.get('long', { where: { user_id: 'twitch:42' } })).map((m) => [m.id, m.text]));
  assert.equal(byId.get('legacy-1'), 'моя кошка Бисквит любит молоко', 'an older document-stored memory still reads');
  assert.equal(byId.get('new-1'), 'my dog Rex loves the park');
  const [qv] = await embedder.embed(['как зовут кошку?']);
  assert.equal((await store.query('long', qv as number[], 1, { user_id: 'twitch:42' }))[0]?.text, 'моя кошка Бисквит любит молоко');
  const cached = await store.getWithVectors('long', { user_id: 'twitch:42' }, 10);
  assert.deepEqual(cached.map((c) => c.text).sort(), ['my dog Rex loves the park', 'моя кошка Бисквит любит молоко']);

  // Rewriting an older memory: the new text wins over the stale document.
  await store.upsert([{ ...legacy, text: 'my cat Biscuit loves milk' }]);
  assert.equal((await store.get('long', { ids: ['legacy-1'] }))[0]?.text, 'my cat Biscuit loves milk');
  await store.updateMetadata('long', [{ ...legacy, text: 'my cat Biscuit loves milk', metadata: { ...legacy.metadata, importance: 0.9 } }]);
  const updated = (await store.get('long', { ids: ['legacy-1'] }))[0];
  assert.equal(updated?.text, 'my cat Biscuit loves milk');
  assert.equal(updated?.metadata.importance, 0.9);

  // A re-embed (new embedder) keeps every text, both formats.
  const other = new HashedEmbedder(256);
  const moved = new ChromaStore('format', other, log);
  await moved.open(chroma.url, 'reembed');
  const texts = (await moved.get('long', { where: { user_id: 'twitch:42' } })).map((m) => m.text).sort();
  assert.deepEqual(texts, ['my cat Biscuit loves milk', 'my dog Rex loves the park']);
  const [ov] = await other.embed(['what does my dog love?']);
  assert.equal((await moved.query('long', ov as number[], 1))[0]?.id, 'new-1');
});
