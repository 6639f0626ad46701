import { LineCounter, parseDocument, type Document } from 'yaml';

/**
 * One way to read YAML from files and request bodies: the YAML 1.2 core schema only, unique keys,
 * at most 100 alias expansions. A tag the core schema does not know (`!!js/function`, `!foo`) is an
 * error, never silently read as a plain string.
 */
export interface YamlProblem {
  line?: number;
  column?: number;
  message: string;
}

export interface StrictYaml {
  doc: Document;
  lineCounter: LineCounter;
  problems: YamlProblem[];
}

export const MAX_YAML_ALIASES = 100;

export function parseStrictYaml(text: string): StrictYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, schema: 'core', customTags: [] });
  const problems: YamlProblem[] = [];
  const add = (e: { linePos?: [{ line: number; col: number }, ...unknown[]] | undefined; message: string; code: string }, message: string): void => {
    const pos = e.linePos?.[0];
    problems.push({ ...(pos ? { line: pos.line, column: pos.col } : {}), message });
  };
  for (const e of doc.errors) add(e, `YAML syntax error: ${firstLine(e.message, e.code)}`);
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') add(w, `YAML tag not allowed: ${firstLine(w.message, w.code).replace(/^Unresolved tag: /, '')} (only plain YAML values are read)`);
  }
  return { doc, lineCounter, problems };
}

/** The document's data, or a problem when it expands more aliases than allowed (a "billion laughs"). */
export function strictYamlData(doc: Document): { data: unknown } | { problem: YamlProblem } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown };
  } catch (err) {
    return { problem: { message: `YAML error: ${firstLine((err as Error).message, 'alias')}` } };
  }
}

function firstLine(message: string, fallback: string): string {
  return (message.split('\n')[0] ?? fallback).replace(/ at line \d+, column \d+:?$/, '');
}
