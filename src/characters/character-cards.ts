import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, type Document } from 'yaml';
import type { CatalogPaths } from '../config/character-catalog.ts';
import { CHARACTER_NAME, CHARACTER_NAME_RULE } from '../config/character-name.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfigWith } from '../config/loader.ts';
import { isPlainObject, parseYamlText, type YamlSource } from '../config/yaml-source.ts';
import { EngineError } from '../core/errors.ts';

/** A character card: one `characters/<name>.yaml`. */
export interface Card {
  name: string;
  file: string;
  /** The file as written (comments included). */
  yaml: string;
  /** The file's keys (what it overrides of `character`). */
  card: Record<string, unknown>;
}

/** A change to a card: `yaml` replaces the text; `card` sets keys in place (null deletes one), keeping comments. */
export interface CardChange {
  yaml?: string;
  card?: Record<string, unknown>;
}

export function cardPath(paths: CatalogPaths, name: string): string {
  if (!CHARACTER_NAME.test(name)) {
    throw new ConfigError([{ file: paths.charactersDir, path: 'name', message: CHARACTER_NAME_RULE, received: JSON.stringify(name.slice(0, 80)) }]);
  }
  const file = path.join(paths.charactersDir, `${name}.yaml`);
  // Belt and braces: the regex already rules out separators and dots.
  if (path.dirname(file) !== path.resolve(paths.charactersDir)) throw new EngineError('FORBIDDEN', 'character file outside the characters directory');
  return file;
}

export function readCard(paths: CatalogPaths, name: string): Card {
  const file = cardPath(paths, name);
  if (!existsSync(file)) throw new EngineError('NOT_FOUND', `no character "${name}" (${file})`);
  const yaml = readFileSync(file, 'utf8');
  let card: Record<string, unknown> = {};
  try {
    const data = parseYamlText(file, yaml).data;
    if (isPlainObject(data)) card = data;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
  return { name, file, yaml, card };
}

/** Sets (or, for null, deletes) each leaf of `patch` in the document, so untouched keys keep their comments. */
function applyPatch(doc: Document, patch: Record<string, unknown>, prefix: string[] = []): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = [...prefix, key];
    if (value === null) doc.deleteIn(at);
    else if (isPlainObject(value) && Object.keys(value).length > 0 && isMap(doc.getIn(at, true))) applyPatch(doc, value, at);
    else doc.setIn(at, value);
  }
}

/** The text a change would write, starting from `base` (the current file, or a source to duplicate). */
function nextText(file: string, base: string, change: CardChange): string {
  if (change.yaml !== undefined) {
    if (change.card !== undefined) throw new EngineError('BAD_MESSAGE', 'send either yaml (the whole file) or card (keys to set), not both');
    return change.yaml.endsWith('\n') ? change.yaml : `${change.yaml}\n`;
  }
  const src = parseYamlText(file, base.trim() ? base : '{}\n');
  if (!isMap(src.doc.contents) && src.doc.contents !== null) throw new ConfigError([{ file, line: 1, path: '', message: 'a character file must be a YAML mapping' }]);
  applyPatch(src.doc, change.card ?? {});
  return src.doc.toString();
}

/**
 * Checks `text` as `name`'s card with the daemon's own merge and schema; a bad key is a ConfigError naming
 * `file:line key.path`. Nothing is written.
 */
export function validateCardText(paths: CatalogPaths, name: string, text: string): YamlSource {
  const file = cardPath(paths, name);
  const source = parseYamlText(file, text);
  if (source.data !== null && !isPlainObject(source.data)) throw new ConfigError([{ file, line: 1, path: '', message: 'a character file must be a YAML mapping (key: value)' }]);
  loadConfigWith(paths.schema, { configPath: paths.configPath, charactersDir: paths.charactersDir, migrate: false, activeCharacter: name, characterSource: source });
  return source;
}

/** The card just written: its text and keys are already parsed, so the file is not read back. */
function written(name: string, file: string, yaml: string, source: YamlSource): Card {
  return { name, file, yaml, card: isPlainObject(source.data) ? source.data : {} };
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Creates a card (409 when the name is taken); `from` duplicates another card, comments and all. */
export function createCard(paths: CatalogPaths, name: string, change: CardChange, from?: string): Card {
  const file = cardPath(paths, name);
  if (existsSync(file)) throw new EngineError('CONFLICT', `character "${name}" already exists`);
  const base = from !== undefined ? readCard(paths, from).yaml : '';
  const text = nextText(file, base, change);
  const source = validateCardText(paths, name, text);
  writeAtomic(file, text);
  return written(name, file, text, source);
}

/** Edits a card in place; an invalid result is refused and the file stays as it was. `<file>.backup` keeps the old text. */
export function updateCard(paths: CatalogPaths, name: string, change: CardChange): Card {
  const current = readCard(paths, name);
  const text = nextText(current.file, current.yaml, change);
  const source = validateCardText(paths, name, text);
  writeFileSync(`${current.file}.backup`, current.yaml);
  writeAtomic(current.file, text);
  return written(name, current.file, text, source);
}

/** Deletes a card (never the active one): it is renamed to `<name>.yaml.deleted`, so it can be restored by hand. */
export function deleteCard(paths: CatalogPaths, name: string, active: string): { deletedAs: string } {
  const file = cardPath(paths, name);
  if (name === active) throw new EngineError('CONFLICT', `"${name}" is the active character; switch to another one first`);
  if (!existsSync(file)) throw new EngineError('NOT_FOUND', `no character "${name}"`);
  const deletedAs = `${file}.deleted`;
  renameSync(file, deletedAs);
  return { deletedAs };
}
