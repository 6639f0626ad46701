import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One installed model: what was downloaded (verified hash, size, where the hash came from) and its files. */
export interface LockEntry {
  installed_at: string;
  sources: Array<{ url: string; sha256: string; size: number; verified_by: string; source: string }>;
  /** sha256 of every installed file, relative to the model folder. */
  files: Record<string, string>;
}
export interface ModelsLock {
  version: 1;
  models: Record<string, LockEntry>;
}

export const LOCK_FILE = 'models.lock.json';

export function readLock(modelsDir: string): ModelsLock {
  const file = path.join(modelsDir, LOCK_FILE);
  if (!existsSync(file)) return { version: 1, models: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ModelsLock>;
  return { version: 1, models: parsed.models ?? {} };
}

/** Adds or replaces one model's entry (write to a temp file, then rename). */
export function recordLock(modelsDir: string, name: string, entry: LockEntry): void {
  mkdirSync(modelsDir, { recursive: true });
  const lock = readLock(modelsDir);
  lock.models[name] = entry;
  const file = path.join(modelsDir, LOCK_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(lock, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
