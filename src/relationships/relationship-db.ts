import type Database from 'better-sqlite3';
import { applyInteraction, type Counters, type InteractionFacts, type InteractionKind, type Scores } from './scoring-rules.ts';
import { openSqlite } from '../core/sqlite.ts';

export interface UserRow {
  id: string;
  platform: string;
  display_name: string;
  /** JSON array of earlier display names, newest last. */
  previous_names: string;
  first_seen: number;
  last_seen: number;
}

export interface RelationshipRow extends Scores, Counters {
  user_id: string;
  last_day: string;
  last_seen: number;
  /** JSON array. */
  tags: string;
  notes: string;
  updated_at: number;
}

export interface InteractionRow {
  id: number;
  user_id: string;
  at: number;
  kind: InteractionKind;
  summary: string;
  sentiment: number;
}

export interface Viewer {
  user: UserRow;
  relationship: RelationshipRow;
}

export interface NewInteraction {
  userId: string;
  platform: string;
  displayName: string;
  kind: InteractionKind;
  summary: string;
  sentiment: number;
  amount: number;
  gift: boolean;
  at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  display_name TEXT NOT NULL,
  previous_names TEXT NOT NULL DEFAULT '[]',
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS relationships (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  affinity REAL NOT NULL DEFAULT 0, trust REAL NOT NULL DEFAULT 0, loyalty REAL NOT NULL DEFAULT 0,
  messages INTEGER NOT NULL DEFAULT 0, voice_turns INTEGER NOT NULL DEFAULT 0, subs INTEGER NOT NULL DEFAULT 0,
  sub_months INTEGER NOT NULL DEFAULT 0, cheer_bits INTEGER NOT NULL DEFAULT 0, donations INTEGER NOT NULL DEFAULT 0,
  donation_total REAL NOT NULL DEFAULT 0, raids INTEGER NOT NULL DEFAULT 0, days_seen INTEGER NOT NULL DEFAULT 0,
  last_day TEXT NOT NULL DEFAULT '', last_seen INTEGER NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT '[]', notes TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS interactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('chat','voice','sub','cheer','donation','raid')),
  summary TEXT NOT NULL,
  sentiment REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS interactions_user_at ON interactions(user_id, at);
CREATE INDEX IF NOT EXISTS relationships_last_seen ON relationships(last_seen);
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  user_id TEXT NOT NULL,
  before TEXT,
  after TEXT
);
`;

export const EDITABLE_FIELDS = ['affinity', 'trust', 'loyalty', 'tags', 'notes'] as const;

/** DATA_DIR/relationships.sqlite (WAL): viewers by stable platform id, their scores, interactions, audit log. */
export class RelationshipDb {
  readonly db: Database.Database;

  constructor(file: string, private readonly maxInteractionsPerUser = 500) {
    this.db = openSqlite(file, { foreignKeys: true });
    this.db.exec(SCHEMA);
  }

  /** Records one interaction and applies the scoring rules, in one transaction. */
  record(i: NewInteraction): Viewer {
    return this.db.transaction((): Viewer => {
      const day = new Date(i.at).toISOString().slice(0, 10);
      this.upsertUser(i.userId, i.platform, i.displayName, i.at);
      this.db.prepare('INSERT OR IGNORE INTO relationships (user_id, updated_at) VALUES (?, ?)').run(i.userId, i.at);
      const rel = this.db.prepare('SELECT * FROM relationships WHERE user_id = ?').get(i.userId) as RelationshipRow;
      const facts: InteractionFacts = { kind: i.kind, sentiment: i.sentiment, amount: i.amount, newDay: rel.last_day !== day, gift: i.gift };
      const { scores, counters } = applyInteraction(rel, rel, facts);
      this.db
        .prepare(
          `UPDATE relationships SET affinity=@affinity, trust=@trust, loyalty=@loyalty, messages=@messages, voice_turns=@voice_turns, subs=@subs,
           sub_months=@sub_months, cheer_bits=@cheer_bits, donations=@donations, donation_total=@donation_total, raids=@raids, days_seen=@days_seen,
           last_day=@last_day, last_seen=@last_seen, updated_at=@updated_at WHERE user_id=@user_id`,
        )
        .run({ ...counters, ...scores, last_day: day, last_seen: i.at, updated_at: i.at, user_id: i.userId });
      this.db.prepare('INSERT INTO interactions (user_id, at, kind, summary, sentiment) VALUES (?, ?, ?, ?, ?)').run(i.userId, i.at, i.kind, i.summary.slice(0, 200), i.sentiment);
      this.db
        .prepare('DELETE FROM interactions WHERE user_id = ? AND id NOT IN (SELECT id FROM interactions WHERE user_id = ? ORDER BY id DESC LIMIT ?)')
        .run(i.userId, i.userId, this.maxInteractionsPerUser);
      return this.get(i.userId) as Viewer;
    })();
  }

  /** Creates the user or refreshes their display name; an old name goes to previous_names. */
  private upsertUser(id: string, platform: string, displayName: string, at: number): void {
    const existing = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    if (!existing) {
      this.db.prepare('INSERT INTO users (id, platform, display_name, previous_names, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)').run(id, platform, displayName, '[]', at, at);
      return;
    }
    let previous = JSON.parse(existing.previous_names) as string[];
    if (existing.display_name !== displayName && displayName) {
      previous = [...previous.filter((n) => n !== existing.display_name && n !== displayName), existing.display_name].slice(-5);
    }
    this.db.prepare('UPDATE users SET display_name = ?, previous_names = ?, last_seen = ? WHERE id = ?').run(displayName || existing.display_name, JSON.stringify(previous), at, id);
  }

  get(userId: string): Viewer | undefined {
    const user = this.db.prepare('SELECT * FROM users WHERE id = ?').get(userId) as UserRow | undefined;
    const relationship = this.db.prepare('SELECT * FROM relationships WHERE user_id = ?').get(userId) as RelationshipRow | undefined;
    return user && relationship ? { user, relationship } : undefined;
  }

  recent(limit: number): Viewer[] {
    const rows = this.db.prepare('SELECT user_id FROM relationships ORDER BY last_seen DESC LIMIT ?').all(limit) as Array<{ user_id: string }>;
    return rows.map((r) => this.get(r.user_id)).filter((v): v is Viewer => v !== undefined);
  }

  all(): Viewer[] {
    const rows = this.db.prepare('SELECT user_id FROM relationships ORDER BY user_id').all() as Array<{ user_id: string }>;
    return rows.map((r) => this.get(r.user_id)).filter((v): v is Viewer => v !== undefined);
  }

  interactions(userId: string, limit: number): InteractionRow[] {
    return this.db.prepare('SELECT * FROM interactions WHERE user_id = ? ORDER BY id DESC LIMIT ?').all(userId, limit) as InteractionRow[];
  }

  /** Admin edit of scores, tags or notes; audited with before and after. */
  edit(userId: string, patch: Partial<{ affinity: number; trust: number; loyalty: number; tags: string[]; notes: string; display_name: string }>, actor: string): Viewer | undefined {
    return this.db.transaction((): Viewer | undefined => {
      const before = this.get(userId);
      if (!before) return undefined;
      const r = before.relationship;
      const next = {
        affinity: patch.affinity ?? r.affinity,
        trust: patch.trust ?? r.trust,
        loyalty: patch.loyalty ?? r.loyalty,
        tags: patch.tags ? JSON.stringify(patch.tags) : r.tags,
        notes: patch.notes ?? r.notes,
      };
      this.db.prepare('UPDATE relationships SET affinity=?, trust=?, loyalty=?, tags=?, notes=?, updated_at=? WHERE user_id=?').run(next.affinity, next.trust, next.loyalty, next.tags, next.notes, Date.now(), userId);
      if (patch.display_name) this.upsertUser(userId, before.user.platform, patch.display_name, before.user.last_seen);
      const after = this.get(userId);
      this.audit(actor, 'relationship.edit', userId, before, after);
      return after;
    })();
  }

  /** Deletes every row about a viewer. The audit entry keeps only the id and the counts. */
  forget(userId: string, actor: string): { users: number; interactions: number } {
    return this.db.transaction(() => {
      const interactions = this.db.prepare('DELETE FROM interactions WHERE user_id = ?').run(userId).changes;
      this.db.prepare('DELETE FROM relationships WHERE user_id = ?').run(userId);
      const users = this.db.prepare('DELETE FROM users WHERE id = ?').run(userId).changes;
      this.db.prepare('UPDATE audit_log SET before = NULL, after = NULL WHERE user_id = ?').run(userId);
      this.audit(actor, 'relationship.forget', userId, null, { users, interactions });
      return { users, interactions };
    })();
  }

  /** Inserts or replaces whole viewers (CSV import), all in one transaction. */
  importViewers(viewers: readonly Viewer[], actor: string): void {
    this.db.transaction(() => {
      for (const v of viewers) {
        const u = v.user;
        this.db
          .prepare('INSERT INTO users (id, platform, display_name, previous_names, first_seen, last_seen) VALUES (@id, @platform, @display_name, @previous_names, @first_seen, @last_seen) ON CONFLICT(id) DO UPDATE SET platform=excluded.platform, display_name=excluded.display_name, previous_names=excluded.previous_names, first_seen=excluded.first_seen, last_seen=excluded.last_seen')
          .run(u);
        const r = v.relationship;
        const cols = Object.keys(r);
        this.db.prepare(`INSERT OR REPLACE INTO relationships (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(r);
      }
      this.audit(actor, 'relationship.import', '*', null, { count: viewers.length });
    })();
  }

  audit(actor: string, action: string, userId: string, before: unknown, after: unknown): void {
    this.db.prepare('INSERT INTO audit_log (at, actor, action, user_id, before, after) VALUES (?, ?, ?, ?, ?, ?)').run(Date.now(), actor, action, userId, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after));
  }

  auditLog(limit: number): Array<Record<string, unknown>> {
    return this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>;
  }

  integrityCheck(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    this.db.close();
  }
}
