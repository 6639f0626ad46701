import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens (creating its folder) a SQLite file the way every store here wants it: WAL, so readers never
 * block the writer and a killed daemon leaves a consistent file, and synchronous=NORMAL, which is
 * durable across crashes in WAL mode and keeps commits off the disk-flush path.
 */
export function openSqlite(file: string, opts: { foreignKeys?: boolean } = {}): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (opts.foreignKeys) db.pragma('foreign_keys = ON');
  return db;
}
