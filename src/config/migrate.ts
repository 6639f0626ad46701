import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMap, type Document } from 'yaml';
import { ConfigError } from './config-error.ts';
import { CURRENT_CONF_VERSION } from './conf-version.ts';
import type { YamlSource } from './yaml-source.ts';

/** One step between layout versions. It edits the YAML document in place, so comments survive. */
interface Migration {
  from: number;
  describe: string;
  apply(doc: Document): void;
}

/** Moves a value to a new path unless the new path is already set; never drops a user value. */
function move(doc: Document, from: string[], to: string[]): void {
  if (!doc.hasIn(from)) return;
  const value: unknown = doc.getIn(from, true);
  if (!doc.hasIn(to)) doc.setIn(to, value);
  else if (from.length === 1) doc.setIn([`legacy_${from.join('_')}`], value);
  doc.deleteIn(from);
}

const MIGRATIONS: readonly Migration[] = [
  {
    // 0.0.x pre-releases kept a flat layout for a few settings.
    from: 1,
    describe: 'log_level → logging.level, ws_max_message_bytes → server.ws.max_message_bytes, character_name → active_character',
    apply(doc) {
      move(doc, ['log_level'], ['logging', 'level']);
      move(doc, ['ws_max_message_bytes'], ['server', 'ws', 'max_message_bytes']);
      move(doc, ['character_name'], ['active_character']);
    },
  },
];

export interface MigrationResult {
  migrated: boolean;
  fromVersion: number;
  backupPath?: string;
  steps: string[];
}

/**
 * Applies every pending migration to the parsed document in memory (comments survive).
 * Throws a ConfigError for a version that is not a whole number or is newer than this build.
 */
export function applyMigrations(source: YamlSource): MigrationResult {
  const rawVersion = source.doc.get('conf_version');
  const version = rawVersion === undefined ? CURRENT_CONF_VERSION : Number(rawVersion);
  if (!Number.isInteger(version) || version < 1) {
    const pos = source.locate(['conf_version']);
    throw new ConfigError([{ file: source.file, ...pos, path: 'conf_version', message: 'must be a whole number', expected: `1..${CURRENT_CONF_VERSION}`, received: String(rawVersion) }]);
  }
  if (version > CURRENT_CONF_VERSION) {
    const pos = source.locate(['conf_version']);
    throw new ConfigError([
      { file: source.file, ...pos, path: 'conf_version', message: 'this file was written by a newer version of the engine; upgrade the engine', expected: `≤ ${CURRENT_CONF_VERSION}`, received: String(version) },
    ]);
  }
  if (version === CURRENT_CONF_VERSION || !isMap(source.doc.contents)) return { migrated: false, fromVersion: version, steps: [] };
  const steps: string[] = [];
  for (const m of MIGRATIONS) {
    if (m.from >= version) {
      m.apply(source.doc);
      steps.push(`${m.from}→${m.from + 1}: ${m.describe}`);
    }
  }
  source.doc.set('conf_version', CURRENT_CONF_VERSION);
  return { migrated: true, fromVersion: version, steps };
}

/**
 * Brings conf.yaml on disk up to CURRENT_CONF_VERSION. Writes `<file>.backup` first, then replaces
 * the file atomically (temp file + rename), so an interrupted migration never leaves a half-written config.
 */
export function migrateConfigFile(source: YamlSource): MigrationResult {
  const result = applyMigrations(source);
  if (!result.migrated) return result;
  const backupPath = `${source.file}.backup`;
  copyFileSync(source.file, backupPath);
  const tmp = `${source.file}.tmp-${process.pid}`;
  writeFileSync(tmp, source.doc.toString());
  renameSync(tmp, source.file);
  return { ...result, backupPath };
}
