import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { ChromaClient } from 'chromadb';
import { memoryStage } from '../../src/memory/memory-stage.ts';
import { relationshipsStage } from '../../src/relationships/relationships-stage.ts';
import { replyDone, until, viewerInput } from '../helpers/memory-fixtures.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

// Per-character memory against the real embedded Chroma server and the real SQLite files. The
// migration case starts from data in the layout the previous build wrote: core_blocks keyed by
// (scope, key), an outbox upsert and Chroma items whose metadata has no `character`.
const TOKEN = 'memory-character-token';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-charmem-'));
const chars = mkdtempSync(path.join(os.tmpdir(), 'vtuber-charmem-chars-'));
writeFileSync(path.join(chars, 'aria.yaml'), 'display_name: Aria\nlanguage: en\n');
writeFileSync(path.join(chars, 'lena.yaml'), 'display_name: Лена\nlanguage: ru\n');
const config = `active_character: aria\nmemory:\n  recall: { timeout_ms: 5000 }\n  chroma: { health_interval_ms: 300 }\n  consolidation: { interval_minutes: 0 }\n`;
let td: TestDaemon | undefined;

const start = (): Promise<TestDaemon> => startTestDaemon({ config, env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_DATA_DIR: dataDir, VTUBER_CHARACTERS_DIR: chars }, stages: [memoryStage, relationshipsStage], logLevel: 'info' });
const daemon = (): TestDaemon => {
  assert.ok(td);
  return td;
};
const memory = () => {
  const m = daemon().daemon.services.get('memory');
  assert.ok(m, 'memory service is registered');
  return m;
};

async function context(userId: string, name: string, text: string): Promise<string[]> {
  return (await prompt(userId, name, text)).memories;
}

async function prompt(userId: string, name: string, text: string): Promise<{ memories: string[]; cards: string[] }> {
  const out = { memories: [] as string[], cards: [] as string[] };
  for (const p of daemon().daemon.services.get('promptContext')?.list() ?? []) {
    const c = await p.provide(viewerInput(userId, name, text), new AbortController().signal);
    out.memories.push(...(c.memories ?? []));
    if (c.relationshipCard) out.cards.push(c.relationshipCard);
  }
  return out;
}

before(async () => {
  // ── What the previous build left behind ──
  td = await start();
  await until(() => td?.daemon.status.get('stage', 'memory')?.state === 'live', 30_000, 'memory live');
  const m = memory();
  const url = String((td.daemon.status.get('stage', 'memory')?.info as { chroma: { url: string } }).chroma.url);
  const u = new URL(url);
  const client = new ChromaClient({ host: u.hostname, port: Number(u.port) });
  const long = await client.getCollection({ name: m.store.collectionName('long') });
  const now = Date.now();
  const text = 'Alice has a parrot called Captain Crumbs';
  const [vector] = await m.embedder.embed([text]);
  await long.upsert({
    ids: ['old-1'],
    documents: [text],
    embeddings: [vector as number[]],
    metadatas: [{ kind: 'user', scope: 'long', importance: 0.8, tags: 'pets', emotion: '', user_id: 'twitch:7', user_name: 'Alice', source: 'turn:chat', created_at: now, updated_at: now, expires_at: 0 }],
  });
  await td.stop();
  td = undefined;
  const db = new Database(path.join(dataDir, 'memory.sqlite'));
  db.exec(`
    DROP TABLE core_blocks;
    CREATE TABLE core_blocks (scope TEXT NOT NULL, key TEXT NOT NULL, text TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (scope, key));
    DELETE FROM meta WHERE key IN ('legacy_character', 'chroma_characters_migrated');
  `);
  db.prepare('INSERT INTO core_blocks VALUES (?, ?, ?, ?)').run('viewer', 'twitch:7', 'Alice is a regular who moderates chat.', now);
  db.prepare('INSERT INTO core_blocks VALUES (?, ?, ?, ?)').run('character', 'aria', 'Aria once streamed for 24 hours.', now);
  const queued = { op: 'upsert', items: [{ id: 'old-queued', text: 'Alice is learning the accordion', metadata: { kind: 'user', scope: 'long', importance: 0.7, tags: [], emotion: '', user_id: 'twitch:7', user_name: 'Alice', source: 'turn:chat', created_at: now, updated_at: now, expires_at: 0 } }] };
  db.prepare('INSERT INTO outbox (op, size, created_at) VALUES (?, 1, ?)').run(JSON.stringify(queued), now);
  db.close();

  // ── This build on that data ──
  td = await start();
  await until(() => td?.daemon.status.get('stage', 'memory')?.state === 'live', 30_000, 'memory live again');
  assert.ok(await memory().settle(10_000), 'the old outbox row is flushed');
});

after(async () => {
  await td?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(chars, { recursive: true, force: true });
});

test('the migration keeps old memories, queued writes and core blocks with the character that was active', async () => {
  const items = await memory().list({ user: 'twitch:7' });
  assert.deepEqual(items.map((i) => [i.id, i.metadata.character]).sort(), [['old-1', 'aria'], ['old-queued', 'aria']]);
  const ctx = await context('twitch:7', 'Alice', 'what pet does Alice have, a parrot?');
  assert.ok(ctx.some((l) => l.includes('Captain Crumbs')), JSON.stringify(ctx));
  assert.ok(ctx.includes('About Alice: Alice is a regular who moderates chat.'), JSON.stringify(ctx));
  assert.ok(ctx.includes('About yourself: Aria once streamed for 24 hours.'), JSON.stringify(ctx));
});

test('memory written as one character is not recalled as another; core blocks are per character too', async () => {
  const d = daemon().daemon;
  await d.characters.switch({ name: 'lena' });
  assert.equal(memory().character, 'lena');
  const asLena = await context('twitch:7', 'Alice', 'what pet does Alice have, a parrot?');
  assert.ok(!asLena.some((l) => /Captain Crumbs|moderates|24 hours/.test(l)), `Лена must not recall Aria's memories: ${JSON.stringify(asLena)}`);

  d.bus.emit('agent.reply_done', replyDone(viewerInput('twitch:7', 'Alice', 'my dog is called Rex and he loves snow')));
  assert.ok(await memory().settle(10_000));
  const lenaNow = await context('twitch:7', 'Alice', 'what is my dog called?');
  assert.ok(lenaNow.some((l) => l.includes('Rex')), JSON.stringify(lenaNow));

  await d.characters.switch({ name: 'aria' });
  const asAria = await context('twitch:7', 'Alice', 'what is my dog called?');
  assert.ok(!asAria.some((l) => l.includes('Rex')), `Aria must not recall Лена's memories: ${JSON.stringify(asAria)}`);
  assert.ok(asAria.includes('About Alice: Alice is a regular who moderates chat.'));

  // Admin search defaults to the active character; `character=*` shows everyone's.
  const res = await fetch(`${daemon().url}/admin/memory/search?user=twitch:7&k=20`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { items: Array<{ text: string; metadata: { character: string } }> };
  assert.ok(body.items.length > 0 && body.items.every((i) => i.metadata.character === 'aria'));
  const all = (await (await fetch(`${daemon().url}/admin/memory/search?user=twitch:7&k=20&character=*`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as typeof body;
  assert.deepEqual([...new Set(all.items.map((i) => i.metadata.character))].sort(), ['aria', 'lena']);
});

test('viewer relationships stay shared across characters (documented in docs/characters.md)', async () => {
  const d = daemon().daemon;
  // Interactions are recorded as inputs arrive (no agent runs here, so they just wait in the queue).
  for (let i = 0; i < 3; i++) d.input.push({ kind: 'chat', text: `thanks so much, you are awesome ${i}`, user: { id: 'twitch:8', displayName: 'Bob', platform: 'twitch' } });
  await until(async () => (await prompt('twitch:8', 'Bob', 'hi')).cards.length > 0, 10_000, 'relationship card for Bob as Aria');
  const asAria = (await prompt('twitch:8', 'Bob', 'hi')).cards;
  await d.characters.switch({ name: 'lena' });
  const asLena = (await prompt('twitch:8', 'Bob', 'hi')).cards;
  assert.equal(asAria.length, 1);
  assert.equal(asLena.length, 1);
  // The card is written in the speaking character's language; the relationship behind it is the same.
  assert.match(asAria[0] ?? '', /^Viewer: Bob\./);
  assert.match(asLena[0] ?? '', /^Зритель: Bob\./);
  const scores = (card: string | undefined): string[] => [...(card ?? '').matchAll(/(\d+)\/100/g)].map((m) => m[1] ?? '');
  assert.equal(scores(asAria[0]).length, 3, 'affinity, trust and loyalty are on the card');
  assert.deepEqual(scores(asLena[0]), scores(asAria[0]), 'the same scores whoever is speaking');
  assert.match(asAria[0] ?? '', /3 chat messages/);
  assert.match(asLena[0] ?? '', /сообщений в чате: 3/);
});
