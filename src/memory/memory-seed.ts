import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { parseDocument, validateImport } from './memory-import.ts';
import type { MemoryService } from './memory-service.ts';

/**
 * Imports `characters/<name>.memory.yaml` once, and again whenever the file changes. Items keep
 * the ids from the file, so a re-import updates them instead of adding copies.
 */
export function importSeed(memory: MemoryService, charactersDir: string, character: string, log: Logger): number {
  const file = path.join(charactersDir, `${character}.memory.yaml`);
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  const key = `seed:${character}`;
  if (memory.db.getMeta(key) === hash) return 0;
  const doc = parseDocument(text, 'application/yaml');
  const items = validateImport(doc, { maxItems: memory.cfg.import.max_items, maxTextChars: memory.cfg.import.max_text_chars }, Date.now(), memory.sessionTtlMs);
  for (const it of items) {
    if (it.metadata.source === 'import') it.metadata.source = key;
    it.metadata.character ||= character;
  }
  memory.write(items);
  memory.db.setMeta(key, hash);
  memory.db.audit('system', 'memory.seed_import', file, { count: items.length });
  log.info({ event: 'memory.seed_imported', character, count: items.length }, 'seed memories queued');
  return items.length;
}
