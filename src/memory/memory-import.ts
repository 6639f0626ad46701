import { parseStrictYaml, strictYamlData } from '../config/strict-yaml.ts';
import { ImportItemSchema, itemFromImport, type MemoryItem } from './memory-item.ts';

export interface ImportIssue {
  /** Item index in `items`, or null for a file-level problem. */
  index: number | null;
  /** Dotted path inside the item (e.g. `metadata.importance`), or the top-level key. */
  field: string;
  message: string;
}

export class ImportError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: 'IMPORT_INVALID' | 'PAYLOAD_TOO_LARGE' | 'BAD_JSON' | 'UNSUPPORTED_MEDIA_TYPE',
    readonly issues: ImportIssue[],
  ) {
    super(issues.map((i) => (i.index === null ? `${i.field}: ${i.message}` : `items[${i.index}].${i.field}: ${i.message}`)).join('; '));
    this.name = 'ImportError';
  }
}

export interface ImportLimits {
  maxItems: number;
  maxTextChars: number;
}

/** Parses a JSON or YAML document by content type (YAML also accepts JSON). */
export function parseDocument(text: string, contentType: string): unknown {
  const ct = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const isJson = ct === 'application/json' || ct.endsWith('+json');
  const isYaml = ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml' || ct === 'text/x-yaml' || ct === 'text/plain';
  if (!isJson && !isYaml) throw new ImportError(415, 'UNSUPPORTED_MEDIA_TYPE', [{ index: null, field: 'content-type', message: `send application/json or application/yaml, not ${ct || 'nothing'}` }]);
  if (isJson) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new ImportError(400, 'BAD_JSON', [{ index: null, field: 'body', message: `not valid JSON: ${(err as Error).message.split('\n')[0] ?? ''}` }]);
    }
  }
  const { doc, problems } = parseStrictYaml(text);
  const read = problems.length === 0 ? strictYamlData(doc) : undefined;
  if (read && 'problem' in read) problems.push(read.problem);
  if (!read || 'problem' in read || problems.length > 0) {
    throw new ImportError(400, 'BAD_JSON', problems.slice(0, 20).map((p) => ({ index: null, field: p.line !== undefined ? `body line ${p.line}` : 'body', message: p.message })));
  }
  return read.data;
}

/**
 * Validates a whole import before anything is written: `{ items: [{ text, metadata }] }`.
 * Every problem names the item index and the field; up to 20 are reported.
 */
export function validateImport(doc: unknown, limits: ImportLimits, now: number, sessionTtlMs: number): MemoryItem[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ImportError(400, 'IMPORT_INVALID', [{ index: null, field: 'body', message: 'expected an object { items: [...] }' }]);
  }
  const rec = doc as Record<string, unknown>;
  const extra = Object.keys(rec).filter((k) => k !== 'items' && k !== 'version');
  if (extra.length > 0) throw new ImportError(400, 'IMPORT_INVALID', [{ index: null, field: extra[0] as string, message: 'unknown top-level key (expected items, version)' }]);
  if (!Array.isArray(rec.items)) throw new ImportError(400, 'IMPORT_INVALID', [{ index: null, field: 'items', message: 'expected an array' }]);
  const raw = rec.items as unknown[];
  if (raw.length > limits.maxItems) {
    throw new ImportError(413, 'PAYLOAD_TOO_LARGE', [{ index: limits.maxItems, field: 'items', message: `too many items: ${raw.length} (limit ${limits.maxItems}); nothing was imported` }]);
  }
  const issues: ImportIssue[] = [];
  const items: MemoryItem[] = [];
  const ids = new Map<string, number>();
  for (let i = 0; i < raw.length && issues.length < 20; i++) {
    const parsed = ImportItemSchema.safeParse(raw[i]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 3)) {
        issues.push({ index: i, field: issue.path.map(String).join('.') || '(item)', message: issue.message });
      }
      continue;
    }
    if (parsed.data.text.length > limits.maxTextChars) {
      issues.push({ index: i, field: 'text', message: `longer than ${limits.maxTextChars} characters` });
      continue;
    }
    const item = itemFromImport(parsed.data, now, sessionTtlMs);
    const dup = ids.get(item.id);
    if (dup !== undefined) {
      issues.push({ index: i, field: 'id', message: `duplicate id (also items[${dup}])` });
      continue;
    }
    ids.set(item.id, i);
    items.push(item);
  }
  if (issues.length > 0) throw new ImportError(400, 'IMPORT_INVALID', issues);
  return items;
}
