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
  /** The character the block belongs to (a viewer's block is per character too). */
  character: string;
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
  /** The active character: core blocks are read and written for it (MemoryService.setCharacter changes it). */
  character: string;

  /** `character` is the active one; data written before memories were per character becomes its. */
  constructor(dataDir: string, character = 'default') {
    this.character = character;
    this.db = openSqlite(path.join(dataDir, 'memory.sqlite'));
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
    `);
    this.migrateToCharacters(character);
  }

  /**
   * Memories became per character. The old `core_blocks (scope, key)` table is rebuilt with a
   * `character` column (a `character` block keeps its own name, a viewer's block goes to `character`),
   * and queued writes without a character are given it. Runs once; `legacy_character` records who got them.
   */
  private migrateToCharacters(character: string): void {
    const cols = this.db.prepare("SELECT name FROM pragma_table_info('core_blocks')").all() as Array<{ name: string }>;
    this.db.transaction(() => {
      if (cols.length > 0 && !cols.some((c) => c.name === 'character')) {
        this.db.exec('ALTER TABLE core_blocks RENAME TO core_blocks_v1');
        this.createBlocksTable();
        this.db.prepare("INSERT INTO core_blocks (character, scope, key, text, updated_at) SELECT CASE WHEN scope = 'character' THEN key ELSE ? END, scope, key, text, updated_at FROM core_blocks_v1").run(character);
        this.db.exec('DROP TABLE core_blocks_v1');
      } else this.createBlocksTable();
      if (this.getMeta('legacy_character') !== undefined) return;
      const upd = this.db.prepare('UPDATE outbox SET op = ? WHERE seq = ?');
      for (const row of this.peek(1_000_000)) {
        if (row.op.op !== 'upsert' || row.op.items.every((i) => i.metadata.character)) continue;
        const items = row.op.items.map((i) => (i.metadata.character ? i : { ...i, metadata: { ...i.metadata, character } }));
        upd.run(JSON.stringify({ op: 'upsert', items }), row.seq);
      }
      this.setMeta('legacy_character', character);
    })();
  }

  private createBlocksTable(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS core_blocks (character TEXT NOT NULL, scope TEXT NOT NULL, key TEXT NOT NULL, text TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (character, scope, key))');
  }

  /** Who memories written before they were per character belong to. */
  get legacyCharacter(): string {
    return this.getMeta('legacy_character') ?? this.character;
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

  /** The active character's core blocks. */
  getBlocks(scope?: CoreBlockScope): CoreBlock[] {
    return (scope
      ? this.db.prepare('SELECT * FROM core_blocks WHERE character = ? AND scope = ? ORDER BY key').all(this.character, scope)
      : this.db.prepare('SELECT * FROM core_blocks WHERE character = ? ORDER BY scope, key').all(this.character)) as CoreBlock[];
  }

  getBlock(scope: CoreBlockScope, key: string): CoreBlock | undefined {
    return this.db.prepare('SELECT * FROM core_blocks WHERE character = ? AND scope = ? AND key = ?').get(this.character, scope, key) as CoreBlock | undefined;
  }

  setBlock(scope: CoreBlockScope, key: string, text: string): void {
    this.db
      .prepare('INSERT INTO core_blocks (character, scope, key, text, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(character, scope, key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at')
      .run(this.character, scope, key, text, Date.now());
  }

  deleteBlock(scope: CoreBlockScope, key: string): boolean {
    return this.db.prepare('DELETE FROM core_blocks WHERE character = ? AND scope = ? AND key = ?').run(this.character, scope, key).changes > 0;
  }

  /** Deletes a block for every character (forgetting a viewer). */
  deleteBlockEverywhere(scope: CoreBlockScope, key: string): number {
    return this.db.prepare('DELETE FROM core_blocks WHERE scope = ? AND key = ?').run(scope, key).changes;
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
