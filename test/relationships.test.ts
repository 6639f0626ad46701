import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { ROOT_DIR } from '../src/config/env.ts';
import { estimateTokens } from '../src/relationships/relationship-card.ts';
import { relationshipsStage } from '../src/relationships/relationships-stage.ts';
import { startTestDaemon, type TestDaemon } from './helpers/test-daemon.ts';
import { until, viewerInput } from './helpers/memory-fixtures.ts';

const TOKEN = 'rel-admin-token';
let td: TestDaemon;
const auth = { authorization: `Bearer ${TOKEN}` };

async function api(method: string, url: string, body?: string, contentType = 'application/json'): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const res = await fetch(`${td.url}${url}`, { method, headers: { ...auth, ...(body !== undefined ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // CSV
  }
  return { status: res.status, text, json };
}

async function card(userId: string, name: string): Promise<string | undefined> {
  for (const p of td.daemon.services.get('promptContext')?.list() ?? []) {
    const c = (await p.provide(viewerInput(userId, name, 'hello again'), new AbortController().signal)).relationshipCard;
    if (c) return c;
  }
  return undefined;
}

const affinity = async (userId: string): Promise<number> => ((await api('GET', `/admin/relationships/${encodeURIComponent(userId)}`)).json.relationship as { affinity: number }).affinity;

before(async () => {
  td = await startTestDaemon({ config: { memory: { enabled: false } }, env: { VTUBER_ADMIN_TOKEN: TOKEN }, stages: [relationshipsStage], logLevel: 'info' });
});
after(async () => td?.stop());

test('20 chat messages and a donation raise affinity; the card fits 200 tokens and survives a nickname change', async () => {
  const lines = ['love the stream!', 'haha that was great', 'hi everyone', 'this game looks fun', 'you are awesome'];
  for (let i = 0; i < 20; i++) td.daemon.bus.emit('input.queued', viewerInput('twitch:777', 'Dana', lines[i % lines.length] as string));
  const afterChat = await affinity('twitch:777');
  assert.ok(afterChat > 0, `affinity after chat: ${afterChat}`);
  td.daemon.bus.emit('input.queued', viewerInput('twitch:777', 'Dana', 'keep it up!', 'donation', { amount: 10, currency: 'USD' }));
  const afterDonation = await affinity('twitch:777');
  assert.ok(afterDonation > afterChat, `donation raised affinity ${afterChat} → ${afterDonation}`);

  const c1 = await card('twitch:777', 'Dana');
  assert.ok(c1, 'card is in that viewer’s prompt context');
  assert.match(c1, /Dana/);
  assert.match(c1, /20 chat messages/);
  assert.match(c1, /1 donation/);
  assert.ok(estimateTokens(c1) <= 200 && c1.split(/\s+/).length < 150, `card size ${estimateTokens(c1)} tokens`);
  assert.equal(await card('twitch:888', 'Eve'), undefined, 'an unknown viewer gets no card');

  td.daemon.bus.emit('input.queued', viewerInput('twitch:777', 'DanaTheGreat', 'new name, same me'));
  const c2 = await card('twitch:777', 'DanaTheGreat');
  assert.ok(c2);
  assert.match(c2, /Viewer: DanaTheGreat \(formerly Dana\)/);
  assert.match(c2, /21 chat messages/);
  assert.ok((await affinity('twitch:777')) >= afterDonation, 'the relationship is kept across the rename');
});

test('a card with long notes and many tags is trimmed under the token budget', async () => {
  const put = await api('PUT', '/admin/relationships/twitch%3A777', JSON.stringify({ notes: 'Very long note about this viewer. '.repeat(60).slice(0, 2000), tags: Array.from({ length: 20 }, (_, i) => `tag-number-${i}`) }));
  assert.equal(put.status, 200, put.text);
  const c = await card('twitch:777', 'DanaTheGreat');
  assert.ok(c && estimateTokens(c) <= 200, `card ${c?.length} chars, ${c ? estimateTokens(c) : 0} tokens`);
  const audit = await api('GET', '/admin/relationships/audit');
  const entries = audit.json.entries as Array<{ action: string; user_id: string; before: string | null }>;
  assert.ok(entries.some((e) => e.action === 'relationship.edit' && e.user_id === 'twitch:777' && e.before), 'admin edit is audited');
  assert.equal((await api('PUT', '/admin/relationships/twitch%3A777', JSON.stringify({ affinity: 500 }))).status, 400);
});

test('CSV export round-trips through import, and a bad CSV names the row and column', async () => {
  td.daemon.bus.emit('input.queued', viewerInput('twitch:999', 'Frank, "the tank"', 'raid incoming', 'raid', { viewers: 42 }));
  const exported = await api('GET', '/admin/relationships/export.csv');
  assert.equal(exported.status, 200);
  assert.match(exported.text, /^user_id,platform,display_name/);
  const before = (await api('GET', '/admin/relationships/twitch%3A999')).json;
  assert.equal((await api('DELETE', '/admin/relationships/twitch%3A999')).status, 200);
  assert.equal((await api('GET', '/admin/relationships/twitch%3A999')).status, 404);
  const imp = await api('POST', '/admin/relationships/import.csv', exported.text, 'text/csv');
  assert.equal(imp.status, 200, imp.text);
  const back = (await api('GET', '/admin/relationships/twitch%3A999')).json;
  const strip = (v: Record<string, unknown>) => ({ user: v.user, relationship: { ...(v.relationship as Record<string, unknown>), updated_at: 0 } });
  assert.deepEqual(strip(back), strip(before));

  const header = exported.text.split('\n')[0] as string;
  const badRow = header.split(',').map((c) => ({ user_id: 'twitch:5', display_name: 'Gina', first_seen: 'not-a-time' })[c] ?? '').join(',');
  const res = await api('POST', '/admin/relationships/import.csv', `${header}\n${badRow}\n`, 'text/csv');
  assert.equal(res.status, 400, res.text);
  assert.equal((res.json.error as { row: number }).row, 2);
  assert.equal((res.json.error as { column: string }).column, 'first_seen');
  const short = await api('POST', '/admin/relationships/import.csv', 'user_id,display_name,affinity\ntwitch:6,Ivy,5\ntwitch:7,Jo,900\n', 'text/csv');
  assert.equal(short.status, 400, short.text);
  assert.deepEqual([(short.json.error as { row: number }).row, (short.json.error as { column: string }).column], [3, 'affinity']);
  assert.equal((await api('GET', '/admin/relationships/twitch%3A6')).status, 404, 'all-or-nothing: row 2 was not written either');
  assert.equal((await api('GET', '/admin/relationships/twitch%3A5')).status, 404, 'nothing half-written');
});

test('relationships switched off: no database, no card, status disabled', async () => {
  const off = await startTestDaemon({ config: { memory: { enabled: false }, relationships: { enabled: false } }, stages: [relationshipsStage] });
  try {
    off.daemon.bus.emit('input.queued', viewerInput('twitch:1', 'Hal', 'hello there friend'));
    assert.equal(off.daemon.status.get('stage', 'relationships')?.state, 'disabled');
    assert.equal(off.daemon.services.get('promptContext')?.list().length, 0);
    assert.equal(existsSync(path.join(off.dataDir, 'relationships.sqlite')), false);
  } finally {
    await off.stop();
  }
});

test('kill -9 during relationship writes leaves an intact database', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-rel-crash-'));
  const file = path.join(dir, 'relationships.sqlite');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'test', 'fixtures', 'relationship-writer.ts'), file], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    await until(() => out.includes('ready'), 30_000, 'writer ready');
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const db = new Database(file);
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const n = (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
      assert.ok(n > 0, 'rows written before the kill survive');
      const rels = db.prepare('SELECT messages, donations FROM relationships').all() as Array<{ messages: number; donations: number }>;
      assert.ok(rels.every((r) => r.messages >= 0 && r.donations >= 0));
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
