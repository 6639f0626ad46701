import { existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError, describeValue, type ConfigIssue } from './config-error.ts';
import { applyMigrations, migrateConfigFile, type MigrationResult } from './migrate.ts';
import { deepFreeze, deepMerge, hasPath, isPlainObject, readYamlFile, type YamlSource } from './yaml-source.ts';

/** A loaded config of the schema's type (src/config-schema.ts composes the daemon's). */
export interface LoadedConfigOf<C> {
  config: Readonly<C>;
  configPath: string;
  /** The character file that was merged over `character`, if one exists. */
  characterPath: string | undefined;
  migration: MigrationResult;
}

export interface LoadConfigOptions {
  configPath: string;
  charactersDir: string;
  /** Replaces `plugins.enabled` (VTUBER_PLUGINS). */
  pluginsOverride?: string[] | undefined;
  /** Migrate old files on disk (default true). `config check` passes false to stay read-only. */
  migrate?: boolean;
  /** Validates as if conf.yaml named this character (the admin character list and switch use it). */
  activeCharacter?: string;
  /** The character file's content as it would be written (a card edit is checked before it lands). */
  characterSource?: YamlSource;
}

/**
 * conf.yaml → migration → merge of characters/<active_character>.yaml over `character` →
 * strict zod validation with defaults → deep-frozen object. Every error names file, line and path.
 * The schema comes from the caller (src/config-schema.ts), so this layer imports no stage.
 */
export function loadConfigWith<S extends z.ZodType>(schema: S, opts: LoadConfigOptions): LoadedConfigOf<z.output<S>> {
  const source = readYamlFile(opts.configPath);
  if (!isPlainObject(source.data)) {
    throw new ConfigError([{ file: opts.configPath, line: 1, path: '', message: 'the file must be a YAML mapping (key: value)', received: describeValue(source.data) }]);
  }
  // config check migrates in memory only; the daemon rewrites the file (with a backup).
  const migration = opts.migrate === false ? applyMigrations(source) : migrateConfigFile(source);
  const main = migration.migrated && opts.migrate !== false ? readYamlFile(opts.configPath) : source;
  const raw = (migration.migrated && opts.migrate === false ? source.doc.toJS() : main.data) as Record<string, unknown>;

  if (opts.activeCharacter !== undefined) raw.active_character = opts.activeCharacter;
  const characterName = typeof raw.active_character === 'string' ? raw.active_character : 'default';
  const characterPath = path.join(opts.charactersDir, `${characterName}.yaml`);
  let character: YamlSource | undefined;
  if (opts.characterSource || existsSync(characterPath)) {
    character = opts.characterSource ?? readYamlFile(characterPath);
    if (character.data !== null && !isPlainObject(character.data)) {
      throw new ConfigError([{ file: characterPath, line: 1, path: '', message: 'a character file must be a YAML mapping', received: describeValue(character.data) }]);
    }
  } else if (raw.active_character !== undefined) {
    const pos = main.locate(['active_character']);
    throw new ConfigError([{ file: opts.configPath, ...pos, path: 'active_character', message: `no character file ${characterPath}`, received: describeValue(raw.active_character) }]);
  }

  const merged: Record<string, unknown> = { ...raw, character: deepMerge(raw.character ?? {}, character?.data ?? {}) };
  if (opts.pluginsOverride) merged.plugins = { ...(isPlainObject(raw.plugins) ? raw.plugins : {}), enabled: opts.pluginsOverride };

  const result = schema.safeParse(merged, { reportInput: true });
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(issue, main, character)));
  return { config: deepFreeze(result.data as z.output<S>), configPath: opts.configPath, characterPath: character ? characterPath : undefined, migration };
}

/** Turns a zod issue into a ConfigIssue, blaming the character file when the key came from there. */
export function toConfigIssue(issue: z.core.$ZodIssue, main: YamlSource, character: YamlSource | undefined, prefix: PropertyKey[] = []): ConfigIssue {
  const fullPath = [...prefix, ...issue.path];
  const keyPath = issue.code === 'unrecognized_keys' ? [...fullPath, issue.keys[0] ?? ''] : fullPath;
  const fromCharacter = character !== undefined && keyPath[0] === 'character' && hasPath(character.data, keyPath.slice(1));
  const src = fromCharacter && character ? character : main;
  const pos = src.locate(fromCharacter ? keyPath.slice(1) : keyPath);
  const dotted = keyPath.map(String).join('.');
  const base = { file: src.file, ...(pos ?? {}), path: dotted };
  switch (issue.code) {
    case 'invalid_type':
      return { ...base, message: 'wrong type', expected: issue.expected, received: describeValue(issue.input) };
    case 'unrecognized_keys':
      return { ...base, message: `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''} (check the spelling against config_templates/conf.default.yaml)` };
    case 'invalid_value':
      return { ...base, message: 'value not allowed', expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, received: describeValue(issue.input) };
    case 'too_small':
    case 'too_big':
      return { ...base, message: issue.message, received: describeValue(issue.input) };
    default:
      return { ...base, message: issue.message, ...(issue.input !== undefined ? { received: describeValue(issue.input) } : {}) };
  }
}
