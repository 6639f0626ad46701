import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT_DIR } from '../src/config/env.ts';
import { loadConfig } from '../src/config-schema.ts';
import { CURRENT_CONF_VERSION } from '../src/config-schema.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-migrate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const charactersDir = path.join(ROOT_DIR, 'characters');

const V1 = `# my stream config
conf_version: 1
character_name: neiri # the cat girl
log_level: warn
ws_max_message_bytes: 65536
server:
  body_limit_bytes: 2048 # keep small
plugins:
  enabled: []
`;

test('migrating from conf_version 1 keeps every user value, keeps comments and writes a backup', () => {
  const file = path.join(dir, 'conf.yaml');
  writeFileSync(file, V1);
  const loaded = loadConfig({ configPath: file, charactersDir });
  assert.equal(loaded.migration.migrated, true);
  assert.equal(loaded.migration.fromVersion, 1);
  assert.equal(loaded.config.conf_version, CURRENT_CONF_VERSION);
  assert.equal(loaded.config.active_character, 'neiri');
  assert.equal(loaded.config.logging.level, 'warn');
  assert.equal(loaded.config.server.ws.max_message_bytes, 65536);
  assert.equal(loaded.config.server.body_limit_bytes, 2048);

  assert.equal(readFileSync(`${file}.backup`, 'utf8'), V1, 'backup holds the original bytes');
  const rewritten = readFileSync(file, 'utf8');
  assert.match(rewritten, /conf_version: 2/);
  assert.match(rewritten, /# my stream config/);
  assert.match(rewritten, /# keep small/);
  assert.doesNotMatch(rewritten, /log_level|ws_max_message_bytes|character_name/);

  const again = loadConfig({ configPath: file, charactersDir });
  assert.equal(again.migration.migrated, false, 'a migrated file is not migrated twice');
});

test('read-only loading (config check) migrates in memory and leaves the file alone', () => {
  const file = path.join(dir, 'readonly.yaml');
  writeFileSync(file, V1);
  const loaded = loadConfig({ configPath: file, charactersDir, migrate: false });
  assert.equal(loaded.config.logging.level, 'warn');
  assert.equal(readFileSync(file, 'utf8'), V1);
  assert.equal(existsSync(`${file}.backup`), false);
});

test('a file from a newer engine is refused with a clear message', () => {
  const file = path.join(dir, 'newer.yaml');
  writeFileSync(file, `conf_version: ${CURRENT_CONF_VERSION + 1}\n`);
  assert.throws(() => loadConfig({ configPath: file, charactersDir }), /newer version of the engine/);
});
