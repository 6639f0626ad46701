import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document } from 'yaml';
import { ConfigSchema } from '../config-schema.ts';
import { readYamlFile } from '../config/yaml-source.ts';

/** One `key: value` a model asks for, e.g. `asr.model: sherpa-onnx-…` or `character.llm.providers[type=llama_cpp].model_path: …`. */
export interface ConfigLine {
  key: string;
  value: string | number | boolean;
}

export type LineState = 'already' | 'set' | 'kept' | 'unsafe' | 'overridden';

export interface PlannedLine extends ConfigLine {
  state: LineState;
  /** The value in conf.yaml now, when there is one. */
  current?: unknown;
  /** Why a line is not written. */
  why?: string;
  /** Where it goes in the document (list items resolved to their index). */
  path?: Array<string | number>;
}

type Step = string | number | { field: string; equals: string };

/** `a.b[0].c` and `a.b[type=llama_cpp].c` into steps. */
export function parseKey(key: string): Step[] {
  const steps: Step[] = [];
  for (const part of key.split('.')) {
    const m = /^([A-Za-z0-9_]+)((?:\[[^\]]+\])*)$/.exec(part);
    if (!m) throw new Error(`bad config key ${key}`);
    steps.push(m[1] as string);
    for (const [, inner] of (m[2] ?? '').matchAll(/\[([^\]]+)\]/g)) {
      const sel = /^([A-Za-z0-9_]+)=(.+)$/.exec(inner as string);
      steps.push(sel ? { field: sel[1] as string, equals: sel[2] as string } : Number(inner));
    }
  }
  return steps;
}

/** Walks `steps` through `get`, resolving `[field=value]` to the first matching list index. */
function resolve(steps: Step[], getList: (p: Array<string | number>) => unknown[] | undefined): { path?: Array<string | number>; missing?: string } {
  const out: Array<string | number> = [];
  for (const step of steps) {
    if (typeof step !== 'object') {
      out.push(step);
      continue;
    }
    const list = getList(out);
    const index = list?.findIndex((item) => typeof item === 'object' && item !== null && (item as Record<string, unknown>)[step.field] === step.equals) ?? -1;
    if (index < 0) return { missing: `no item with ${step.field}: ${step.equals} in ${out.join('.')}` };
    out.push(index);
  }
  return { path: out };
}

function getIn(value: unknown, p: Array<string | number>): unknown {
  let v = value;
  for (const k of p) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** What the character file sets for a `character.*` path: the value itself, or a whole list it replaces. */
function characterOverride(characterData: unknown, p: Array<string | number>): unknown {
  if (p[0] !== 'character') return undefined;
  for (let i = 2; i <= p.length; i++) {
    const v = getIn(characterData, p.slice(1, i));
    if (v !== undefined && (Array.isArray(v) || i === p.length)) return v;
  }
  return undefined;
}

/**
 * Decides, for each line, what `--apply` may do with conf.yaml: write it when the key is absent, empty
 * or still at its default; leave a value the streamer chose; skip a line whose list item is not there;
 * and flag `character.*` keys that the active character's file overrides anyway.
 */
export function planConfigLines(doc: Document, lines: readonly ConfigLine[], characterData: unknown): PlannedLine[] {
  const data = doc.toJS() as unknown;
  const defaults = ConfigSchema.parse({}) as unknown;
  return lines.map((line) => {
    const steps = parseKey(line.key);
    const inDoc = resolve(steps, (p) => {
      const v = getIn(data, p) ?? getIn(defaults, p);
      return Array.isArray(v) ? v : undefined;
    });
    if (!inDoc.path) return { ...line, state: 'unsafe', why: inDoc.missing ?? 'not found' };
    const current = getIn(data, inDoc.path);
    const listStep = inDoc.path.findIndex((s) => typeof s === 'number');
    if (listStep >= 0 && !isSeq(doc.getIn(inDoc.path.slice(0, listStep)))) {
      // The list comes from the defaults, not conf.yaml: writing one item would drop the others.
      return { ...line, state: 'unsafe', path: inDoc.path, why: `${inDoc.path.slice(0, listStep).join('.')} is not written out in conf.yaml` };
    }
    const overriding = characterOverride(characterData, inDoc.path);
    if (overriding !== undefined) return { ...line, state: 'overridden', path: inDoc.path, current: overriding, why: 'the active character file sets it' };
    if (current === line.value) return { ...line, state: 'already', path: inDoc.path, current };
    const def = getIn(defaults, inDoc.path);
    if (current === undefined || current === '' || current === null || current === def) return { ...line, state: 'set', path: inDoc.path, ...(current !== undefined ? { current } : {}) };
    return { ...line, state: 'kept', path: inDoc.path, current, why: 'you set another value' };
  });
}

/** Renders the plan as lines for the terminal. */
export function describePlan(plan: readonly PlannedLine[], applied: boolean): string {
  const label: Record<LineState, string> = {
    already: 'already set',
    set: applied ? 'written' : 'to set',
    kept: 'kept yours',
    unsafe: 'set by hand',
    overridden: 'character file wins',
  };
  return plan
    .map((l) => {
      const extra = l.state === 'kept' || l.state === 'overridden' ? ` (now ${JSON.stringify(l.current)}: ${l.why})` : l.state === 'unsafe' ? ` (${l.why})` : '';
      return `  ${label[l.state].padEnd(20)} ${l.key}: ${JSON.stringify(l.value)}${extra}`;
    })
    .join('\n');
}

export interface ApplyResult {
  plan: PlannedLine[];
  written: number;
  backupPath?: string;
  /** Set when there is no conf.yaml to plan against. */
  noConfig?: string;
}

/**
 * Plans `lines` against conf.yaml and, when `write`, sets the safe ones in place: only the values'
 * bytes change (comments and layout kept), `<file>.backup` is written first, then a temp file is renamed over it.
 */
export function applyConfigLines(configPath: string, charactersDir: string, lines: readonly ConfigLine[], write: boolean): ApplyResult {
  if (!existsSync(configPath)) return { plan: [], written: 0, noConfig: `no ${configPath} yet (npm start creates it from config_templates/conf.default.yaml)` };
  const source = readYamlFile(configPath);
  const activeName = (source.data as { active_character?: unknown } | null)?.active_character;
  const characterFile = path.join(charactersDir, `${typeof activeName === 'string' ? activeName : 'default'}.yaml`);
  const characterData = existsSync(characterFile) ? readYamlFile(characterFile).data : undefined;
  const plan = planConfigLines(source.doc, lines, characterData);
  const toWrite = plan.filter((l) => l.state === 'set' && l.path);
  if (!write || toWrite.length === 0) return { plan, written: 0 };
  const text = readFileSync(configPath, 'utf8');
  const next = editInPlace(text, source.doc, toWrite.map((l) => ({ path: l.path as Array<string | number>, value: l.value })));
  const check = parseDocument(next);
  for (const l of toWrite) {
    if (check.getIn(l.path as Array<string | number>) !== l.value) throw new Error(`could not write ${l.key} into ${configPath} safely; set it by hand`);
  }
  const backupPath = `${configPath}.backup`;
  copyFileSync(configPath, backupPath);
  const tmp = `${configPath}.tmp-${process.pid}`;
  writeFileSync(tmp, next);
  renameSync(tmp, configPath);
  return { plan, written: toWrite.length, backupPath };
}

const scalarText = (value: string | number | boolean): string => stringify(value, { lineWidth: 0 }).trimEnd();

/**
 * Changes only the bytes of each value (a re-serialised document would reflow long strings, flow
 * lists and comment spacing). An absent key is inserted as the first key of its nearest block map,
 * with that map's indentation, or appended at the end for a missing top-level block.
 */
function editInPlace(text: string, doc: Document, edits: ReadonlyArray<{ path: Array<string | number>; value: string | number | boolean }>): string {
  const patches: Array<{ at: number; end: number; insert: string }> = [];
  for (const e of edits) {
    const node = doc.getIn(e.path, true);
    if (isScalar(node) && node.range) {
      patches.push({ at: node.range[0], end: node.range[1], insert: scalarText(e.value) });
      continue;
    }
    let depth = e.path.length - 1;
    while (depth > 0 && !isMap(doc.getIn(e.path.slice(0, depth), true))) depth--;
    const parent = depth === 0 ? doc.contents : doc.getIn(e.path.slice(0, depth), true);
    const rest = e.path.slice(depth);
    if (rest.some((s) => typeof s === 'number')) throw new Error(`cannot add list item ${e.path.join('.')}: set it by hand`);
    const first = isMap(parent) && !parent.flow ? parent.items[0] : undefined;
    const firstKey = first && isScalar(first.key) ? first.key : undefined;
    if (depth > 0 && !firstKey?.range) throw new Error(`${e.path.slice(0, depth).join('.')} is not a block mapping: set ${e.path.join('.')} by hand`);
    const block = (indent: string): string => rest.map((k, i) => `${indent}${'  '.repeat(i)}${String(k)}:${i === rest.length - 1 ? ` ${scalarText(e.value)}` : ''}\n`).join('');
    if (depth === 0) {
      patches.push({ at: text.length, end: text.length, insert: `${text.endsWith('\n') ? '' : '\n'}${block('')}` });
    } else {
      const start = firstKey?.range?.[0] as number;
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      patches.push({ at: lineStart, end: lineStart, insert: block(text.slice(lineStart, start)) });
    }
  }
  let out = text;
  for (const p of patches.sort((a, b) => b.at - a.at)) out = out.slice(0, p.at) + p.insert + out.slice(p.end);
  return out;
}
