import { readFileSync } from 'node:fs';
import { isNode, type Document } from 'yaml';
import { ConfigError } from './config-error.ts';
import { parseStrictYaml, strictYamlData } from './strict-yaml.ts';

/** A parsed YAML file that can say on which line a key path sits. */
export interface YamlSource {
  file: string;
  doc: Document;
  data: unknown;
  locate(path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined;
}

export function parseYamlText(file: string, text: string): YamlSource {
  const { doc, lineCounter, problems } = parseStrictYaml(text);
  const read = problems.length === 0 ? strictYamlData(doc) : undefined;
  if (read && 'problem' in read) problems.push(read.problem);
  if (problems.length > 0 || !read || 'problem' in read) {
    throw new ConfigError(problems.map((p) => ({ file, ...(p.line !== undefined ? { line: p.line, column: p.column ?? 1 } : {}), path: '', message: p.message })));
  }
  const data: unknown = read.data ?? {};
  const locate = (path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined => {
    for (let len = path.length; len >= 0; len--) {
      const node: unknown = len === 0 ? doc.contents : doc.getIn(path.slice(0, len) as unknown[], true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  return { file, doc, data, locate };
}

export function readYamlFile(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([{ file, path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})` }]);
  }
  return parseYamlText(file, text);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Overlay wins; objects merge key by key; arrays and scalars are replaced. */
export function deepMerge(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay === undefined ? base : overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) out[k] = deepMerge(base[k], v);
  return out;
}

export function hasPath(value: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let cur: unknown = value;
  for (const key of path) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return false;
    const rec = cur as Record<PropertyKey, unknown>;
    if (!(key in rec)) return false;
    cur = rec[key];
  }
  return true;
}

export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
