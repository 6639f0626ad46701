import { copyFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHARACTER_NAME, CHARACTER_NAME_RULE } from './character-name.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import type { z } from 'zod';
import { loadConfigWith, type LoadedConfigOf } from './loader.ts';
import { readYamlFile } from './yaml-source.ts';

export interface CharacterEntry {
  name: string;
  file: string;
  valid: boolean;
  displayName?: string;
  language?: string;
  avatar?: string;
  /** `file:line:col key: what` lines when the file is broken. */
  error?: string;
  issues?: readonly ConfigIssue[];
}

export interface CatalogPaths {
  configPath: string;
  charactersDir: string;
  /** The daemon's composed config schema (src/config-schema.ts). */
  schema: z.ZodType;
}

/** Validates conf.yaml as if it named `name`: the same merge and schema the daemon starts with. */
export function validateCharacter(paths: CatalogPaths, name: string): LoadedConfigOf<unknown> {
  if (!CHARACTER_NAME.test(name)) throw new ConfigError([{ file: paths.charactersDir, path: 'name', message: CHARACTER_NAME_RULE, received: JSON.stringify(name.slice(0, 80)) }]);
  const file = path.join(paths.charactersDir, `${name}.yaml`);
  readYamlFile(file); // a missing or unparsable file is named with its line before the merge
  return loadConfigWith(paths.schema, { configPath: paths.configPath, charactersDir: paths.charactersDir, migrate: false, activeCharacter: name });
}

/** Every `characters/*.yaml` (not `*.memory.yaml`) with its display name, language, avatar and validity. */
export function listCharacters(paths: CatalogPaths): CharacterEntry[] {
  const names = readdirSync(paths.charactersDir)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('.memory.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  return names.map((name) => {
    const file = path.join(paths.charactersDir, `${name}.yaml`);
    try {
      const { config } = validateCharacter(paths, name);
      const c = (config as { character: { display_name: string; language: string; avatar?: unknown } }).character;
      return { name, file, valid: true, displayName: c.display_name, language: c.language, ...(typeof c.avatar === 'string' ? { avatar: c.avatar } : {}) };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { name, file, valid: false, error: err.message, issues: err.issues };
    }
  });
}

/** Sets `active_character` in conf.yaml in place (comments kept); `<file>.backup` first, then temp file + rename. */
export function persistActiveCharacter(configPath: string, name: string): { backupPath: string } {
  const source = readYamlFile(configPath);
  source.doc.set('active_character', name);
  const backupPath = `${configPath}.backup`;
  copyFileSync(configPath, backupPath);
  const tmp = `${configPath}.tmp-${process.pid}`;
  writeFileSync(tmp, source.doc.toString());
  renameSync(tmp, configPath);
  return { backupPath };
}
