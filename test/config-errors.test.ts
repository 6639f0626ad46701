import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ConfigError } from '../src/config/config-error.ts';
import { ROOT_DIR } from '../src/config/env.ts';
import { loadConfig } from '../src/config-schema.ts';
import { run } from './helpers/spawn-daemon.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-conf-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const charactersDir = path.join(ROOT_DIR, 'characters');

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function loadError(file: string, chars = charactersDir): ConfigError {
  try {
    loadConfig({ configPath: file, charactersDir: chars });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('config loaded without error');
}

test('a wrong type names file, line, key path, expected type and the value given', () => {
  const file = write('wrong-type.yaml', 'server:\n  ws:\n    max_message_bytes: lots\n');
  const err = loadError(file);
  assert.match(err.message, new RegExp(`${file.replace(/[.]/g, '\\.')}:3:\\d+ server\\.ws\\.max_message_bytes: wrong type; expected number; got string "lots"`));
});

test('an unknown key is an error naming its full path and line', () => {
  const file = write('unknown-key.yaml', 'logging:\n  level: info\n  colour: true\n');
  const err = loadError(file);
  assert.equal(err.issues[0]?.path, 'logging.colour');
  assert.equal(err.issues[0]?.line, 3);
  assert.match(err.message, /unknown key/);
});

test('bad YAML is reported with file and line', () => {
  const file = write('bad-yaml.yaml', 'server:\n  ws: [1, 2\nlogging: {\n');
  const err = loadError(file);
  assert.match(err.message, /YAML syntax error/);
  assert.ok(err.issues[0]?.line !== undefined && err.issues[0].line >= 2);
  assert.equal(err.issues[0]?.file, file);
});

test('a value not in an enum lists the allowed values', () => {
  const file = write('bad-enum.yaml', 'logging:\n  level: loud\n');
  const err = loadError(file);
  assert.match(err.message, /logging\.level: value not allowed; expected one of "trace", .*"silent"; got string "loud"/);
});

test('an error that comes from the character file names that file', () => {
  const chars = mkdtempSync(path.join(dir, 'chars-'));
  writeFileSync(path.join(chars, 'broken.yaml'), 'display_name: Broken\nlanguage: 7\n');
  const file = write('char.yaml', 'active_character: broken\n');
  const err = loadError(file, chars);
  assert.equal(err.issues[0]?.file, path.join(chars, 'broken.yaml'));
  assert.equal(err.issues[0]?.path, 'character.language');
  assert.equal(err.issues[0]?.line, 2);
});

test('a missing character file is named', () => {
  const file = write('no-char.yaml', 'active_character: nobody\n');
  const err = loadError(file);
  assert.match(err.message, /active_character: no character file .*nobody\.yaml/);
});

test('the character file overrides the character block and the result is frozen', () => {
  const file = write('neiri.yaml', 'active_character: neiri\ncharacter:\n  display_name: Someone\n');
  const { config } = loadConfig({ configPath: file, charactersDir });
  assert.equal(config.character.display_name, 'Нейри');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.server.ws));
  assert.throws(() => {
    (config.server as { input_auth: string }).input_auth = 'always';
  }, TypeError);
});

for (const [name, text, pathRe] of [
  ['wrong type', 'server:\n  body_limit_bytes: "big"\n', /server\.body_limit_bytes/],
  ['unknown key', 'plugins:\n  enabled: []\nserverr: {}\n', /serverr/],
  ['bad YAML', 'server: [\n', /YAML syntax error/],
] as const) {
  test(`the daemon refuses to start on a config with a ${name}: exit code 2 and the file named`, async () => {
    const file = write(`daemon-${name.replace(/ /g, '-')}.yaml`, text);
    const res = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], { VTUBER_CONFIG: file, VTUBER_PORT: '0', VTUBER_DATA_DIR: path.join(dir, 'data') }, 30_000);
    assert.equal(res.code, 2, res.stderr);
    assert.ok(res.stderr.includes(file), res.stderr);
    assert.match(res.stderr, pathRe);
  });
}

test('npm run config:check validates without starting: 0 for a good file, 2 for a bad one', async () => {
  const good = write('check-good.yaml', 'logging:\n  level: debug\n');
  const bad = write('check-bad.yaml', 'logging:\n  level: 3\n');
  const ok = await run(process.execPath, ['--import', 'tsx', 'src/cli/config-check.ts'], { VTUBER_CONFIG: good }, 30_000);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: /);
  const ko = await run(process.execPath, ['--import', 'tsx', 'src/cli/config-check.ts'], { VTUBER_CONFIG: bad }, 30_000);
  assert.equal(ko.code, 2);
  assert.match(ko.stderr, /logging\.level/);
});
