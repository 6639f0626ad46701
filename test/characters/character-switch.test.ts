import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT_DIR } from '../../src/config/env.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

const TOKEN = 'switch-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let td: TestDaemon;
let charsDir: string;

before(async () => {
  ensureFrontendBuilt();
  charsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-chars-'));
  copyFileSync(path.join(ROOT_DIR, 'characters', 'default.yaml'), path.join(charsDir, 'default.yaml'));
  writeFileSync(path.join(charsDir, 'lena.yaml'), '# Лена, a Russian test character\ndisplay_name: Лена\nlanguage: ru\navatar: haru\n');
  // Line 3 carries the bad value: the refusal must point at it.
  writeFileSync(path.join(charsDir, 'broken.yaml'), 'display_name: Broken\nlanguage: en\nstream_mode: "sometimes"\n');
  td = await startTestDaemon({ config: '# my stream\nactive_character: default # who speaks\n', env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_CHARACTERS_DIR: charsDir } });
});
after(() => td.stop());

test('GET /admin/characters lists every file with name, language, avatar and validity (broken one with its line)', async () => {
  const res = await fetch(`${td.url}/admin/characters`, { headers: auth });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { active: string; characters: Array<Record<string, unknown>> };
  assert.equal(body.active, 'default');
  assert.deepEqual(body.characters.map((c) => c.name), ['broken', 'default', 'lena']);
  const lena = body.characters.find((c) => c.name === 'lena');
  assert.deepEqual({ valid: lena?.valid, displayName: lena?.displayName, language: lena?.language, avatar: lena?.avatar }, { valid: true, displayName: 'Лена', language: 'ru', avatar: 'haru' });
  const broken = body.characters.find((c) => c.name === 'broken');
  assert.equal(broken?.valid, false);
  assert.match(String(broken?.error), /broken\.yaml:3:\d+ character\.stream_mode: wrong type/);
});

test('switching to a broken file is refused with its line and conf.yaml is untouched', async () => {
  const confPath = path.join(td.dir, 'conf.yaml');
  const before = readFileSync(confPath, 'utf8');
  const res = await fetch(`${td.url}/admin/characters/active`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'broken' }) });
  assert.equal(res.status, 422);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'CONFIG_INVALID');
  assert.match(body.error.message, /broken\.yaml:3/);
  assert.equal(readFileSync(confPath, 'utf8'), before);
  const missing = await fetch(`${td.url}/admin/characters/active`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'nobody' }) });
  assert.equal(missing.status, 422);
  assert.match(((await missing.json()) as { error: { message: string } }).error.message, /nobody\.yaml/);
  const bad = await fetch(`${td.url}/admin/characters/active`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'lena', queue: 'drop' }) });
  assert.equal(bad.status, 400);
});

test('a valid switch keeps queued input, writes active_character with comments kept and a backup', async () => {
  const confPath = path.join(td.dir, 'conf.yaml');
  td.daemon.input.push({ kind: 'chat', text: 'привет', user: { id: 'local:v1', displayName: 'Viewer', platform: 'local' } } as Parameters<typeof td.daemon.input.push>[0]);
  const queued = td.daemon.input.size;
  const res = await fetch(`${td.url}/admin/characters/active`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'lena', queue: 'keep' }) });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { active: string; kept_inputs: number; cleared_inputs: number };
  assert.equal(body.active, 'lena');
  assert.equal(body.cleared_inputs, 0);
  assert.equal(body.kept_inputs, queued);
  const text = readFileSync(confPath, 'utf8');
  assert.match(text, /active_character: lena/);
  assert.match(text, /# my stream/);
  assert.match(readFileSync(`${confPath}.backup`, 'utf8'), /active_character: default/);
  const shown = (await (await fetch(`${td.url}/api/character`)).json()) as { displayName: string; live2d: { name: string } };
  assert.deepEqual({ name: shown.displayName, model: shown.live2d.name }, { name: 'Лена', model: 'haru' }, 'the card\'s avatar is the model the page loads');
  const clear = await fetch(`${td.url}/admin/characters/active`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'default', queue: 'clear' }) });
  assert.equal(((await clear.json()) as { cleared_inputs: number }).cleared_inputs, queued);
  assert.equal(td.daemon.input.size, 0);
});

test('the character routes need the admin token', async () => {
  const res = await fetch(`${td.url}/admin/characters`);
  assert.equal(res.status, 401);
});
