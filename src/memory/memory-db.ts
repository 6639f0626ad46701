import path from 'node:path';
import type Database from 'better-sqlite3';
import type { MemoryItem } from './memory-item.ts';
import { openSqlite } from '../core/sqlite.ts';

export type OutboxOp = { op: 'upsert'; items: MemoryItem[] } | { op: 'delete'; ids: string[] } | { op: 'delete_user'; userId: string };

export interface OutboxRow {
  seq: number;
  op: OutboxOp;
}

export type CoreBlockScope = 'character' | 'viewer';

export interface CoreBlock {
  scope: CoreBlockScope;
  key: string;
  text: string;
  updated_at: number;
}

/**
 * DATA_DIR/memory.sqlite (WAL): the write outbox (every memory write lands here first, in one
 * transaction, and leaves only once Chroma has it), the editable core blocks, seed bookkeeping
 * and the audit log of admin edits and consolidation actions.
 */
export class MemoryDb {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    this.db = openSqlite(path.join(dataDir, 'memory.sqlite'));
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS core_blocks (scope TEXT NOT NULL, key TEXT NOT NULL, text TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (scope, key));
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
    `);
  }

  /** Items waiting in the outbox (an upsert of n items counts n). */
  pendingItems(): number {
    const row = this.db.prepare('SELECT COALESCE(SUM(size), 0) AS n FROM outbox').get() as { n: number };
    return row.n;
  }

  /** Appends ops atomically: all of them or none. */
  enqueue(ops: readonly OutboxOp[]): void {
    const insert = this.db.prepare('INSERT INTO outbox (op, size, created_at) VALUES (?, ?, ?)');
    const now = Date.now();
    this.db.transaction(() => {
      for (const op of ops) insert.run(JSON.stringify(op), op.op === 'upsert' ? op.items.length : op.op === 'delete' ? op.ids.length : 1, now);
    })();
  }

  peek(limit: number): OutboxRow[] {
    const rows = this.db.prepare('SELECT seq, op FROM outbox ORDER BY seq LIMIT ?').all(limit) as Array<{ seq: number; op: string }>;
    return rows.map((r) => ({ seq: r.seq, op: JSON.parse(r.op) as OutboxOp }));
  }

  ack(seq: number): void {
    this.db.prepare('DELETE FROM outbox WHERE seq = ?').run(seq);
  }

  /** Drops queued writes about one viewer (used when the viewer is forgotten). */
  dropUser(userId: string): void {
    const rows = this.peek(1_000_000);
    const del = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
    const upd = this.db.prepare('UPDATE outbox SET op = ?, size = ? WHERE seq = ?');
    this.db.transaction(() => {
      for (const r of rows) {
        if (r.op.op !== 'upsert') continue;
        const keep = r.op.items.filter((i) => i.metadata.user_id !== userId);
        if (keep.length === 0) del.run(r.seq);
        else if (keep.length !== r.op.items.length) upd.run(JSON.stringify({ op: 'upsert', items: keep }), keep.length, r.seq);
      }
    })();
  }

  getBlocks(scope?: CoreBlockScope): CoreBlock[] {
    return (scope
      ? this.db.prepare('SELECT * FROM core_blocks WHERE scope = ? ORDER BY key').all(scope)
      : this.db.prepare('SELECT * FROM core_blocks ORDER BY scope, key').all()) as CoreBlock[];
  }

  getBlock(scope: CoreBlockScope, key: string): CoreBlock | undefined {
    return this.db.prepare('SELECT * FROM core_blocks WHERE scope = ? AND key = ?').get(scope, key) as CoreBlock | undefined;
  }

  setBlock(scope: CoreBlockScope, key: string, text: string): void {
    this.db.prepare('INSERT INTO core_blocks (scope, key, text, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(scope, key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at').run(scope, key, text, Date.now());
  }

  deleteBlock(scope: CoreBlockScope, key: string): boolean {
    return this.db.prepare('DELETE FROM core_blocks WHERE scope = ? AND key = ?').run(scope, key).changes > 0;
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  audit(actor: string, action: string, target: string, detail: Record<string, unknown>): void {
    this.db.prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(Date.now(), actor, action, target, JSON.stringify(detail));
  }

  auditLog(limit: number): Array<{ id: number; at: number; actor: string; action: string; target: string; detail: unknown }> {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as Array<{ id: number; at: number; actor: string; action: string; target: string; detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }));
  }

  close(): void {
    this.db.close();
  }
}
