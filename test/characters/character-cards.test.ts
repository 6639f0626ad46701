// Character cards over the admin API: create (with comments kept), duplicate, an invalid card refused
// with nothing written, names that would leave the folder refused, delete (renamed, restorable) and the
// active card protected. Real daemon, real files in a temporary characters folder.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT_DIR } from '../../src/config/env.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

const TOKEN = 'cards-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let td: TestDaemon;
let charsDir: string;

before(async () => {
  charsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-cards-'));
  copyFileSync(path.join(ROOT_DIR, 'characters', 'default.yaml'), path.join(charsDir, 'default.yaml'));
  td = await startTestDaemon({ config: 'active_character: default\n', env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_CHARACTERS_DIR: charsDir } });
});
after(() => td.stop());

const call = async (method: string, route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
  const res = await fetch(`${td.url}${route}`, { method, headers: body === undefined ? { authorization: auth.authorization } : auth, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const names = async (): Promise<string[]> => ((await call('GET', '/admin/characters')).json.characters as Array<{ name: string }>).map((c) => c.name);

test('create from YAML keeps its comments; duplicate copies a card with comments and sets new keys', async () => {
  const yaml = '# Мира, a test card\ndisplay_name: Мира # shown on the page\nlanguage: ru\navatar: haru\n';
  const made = await call('POST', '/admin/characters', { name: 'mira', yaml });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.equal(readFileSync(path.join(charsDir, 'mira.yaml'), 'utf8'), yaml);
  const dup = await call('POST', '/admin/characters', { name: 'mira2', from: 'mira', card: { display_name: 'Мира 2' } });
  assert.equal(dup.status, 201, JSON.stringify(dup.json));
  const text = readFileSync(path.join(charsDir, 'mira2.yaml'), 'utf8');
  assert.match(text, /# Мира, a test card/);
  assert.match(text, /display_name: Мира 2/);
  assert.match(text, /avatar: haru/);
  assert.deepEqual(await names(), ['default', 'mira', 'mira2']);
  assert.equal((await call('POST', '/admin/characters', { name: 'mira', yaml })).status, 409, 'a taken name');
});

test('an invalid new card is refused with its key and line and nothing is written; a name leaving the folder is refused', async () => {
  const bad = await call('POST', '/admin/characters', { name: 'broken', yaml: 'display_name: Broken\nstream_mode: "sometimes"\n' });
  assert.equal(bad.status, 422);
  assert.match(String((bad.json.error as { message: string }).message), /stream_mode/);
  assert.match(JSON.stringify((bad.json.error as { issues: unknown }).issues), /"line":2/);
  assert.equal(existsSync(path.join(charsDir, 'broken.yaml')), false, 'nothing written');
  for (const name of ['../escape', 'a/b', '']) {
    const r = await call('POST', '/admin/characters', { name, yaml: 'display_name: X\n' });
    assert.ok(r.status === 400 || r.status === 422 || r.status === 403, `${JSON.stringify(name)} → ${r.status}`);
  }
  assert.deepEqual(readdirSync(path.dirname(charsDir)).filter((f) => f === 'escape.yaml'), [], 'nothing outside the folder');
  assert.equal((await call('POST', '/admin/characters', { yaml: 'display_name: X\n' })).status, 400, 'no name');
});

test('delete renames the card to .deleted; the active card and a missing one are refused; the routes need the token', async () => {
  const gone = await call('DELETE', '/admin/characters/mira2');
  assert.equal(gone.status, 200, JSON.stringify(gone.json));
  assert.equal(existsSync(path.join(charsDir, 'mira2.yaml')), false);
  assert.equal(existsSync(path.join(charsDir, 'mira2.yaml.deleted')), true, 'restorable by hand');
  assert.ok(!(await names()).includes('mira2'));
  const active = await call('DELETE', '/admin/characters/default');
  assert.equal(active.status, 409);
  assert.match(String((active.json.error as { message: string }).message), /active character/);
  assert.equal(existsSync(path.join(charsDir, 'default.yaml')), true);
  assert.equal((await call('DELETE', '/admin/characters/nobody')).status, 404);
  assert.equal((await fetch(`${td.url}/admin/characters/mira`, { method: 'DELETE' })).status, 401);
  assert.equal((await fetch(`${td.url}/admin/characters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' })).status, 401);
});
