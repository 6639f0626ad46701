import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openSqlite } from '../../core/sqlite.ts';

export type MessageRole = 'user' | 'assistant';

export interface StoredMessage {
  id: number;
  conversationId: string;
  role: MessageRole;
  /** Input kind for user messages; `reply`, `proactive`, `greeting`, `say` for the character. */
  source: string;
  userId: string | null;
  userName: string | null;
  /** What the model sees for this message (user: the rendered input; assistant: what was heard). */
  text: string;
  /** The whole reply as generated, when it differs from what was heard. */
  fullText: string | null;
  interrupted: boolean;
  emotions: string[];
  timings: Record<string, number>;
  usage: { promptTokens?: number; completionTokens?: number } | null;
  turnId: string | null;
  createdAt: number;
}

export interface Conversation {
  id: string;
  character: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
}

export type NewMessage = Omit<StoredMessage, 'id' | 'createdAt' | 'conversationId'>;

interface MessageRow {
  id: number;
  conversation_id: string;
  role: MessageRole;
  source: string;
  user_id: string | null;
  user_name: string | null;
  text: string;
  full_text: string | null;
  interrupted: number;
  emotions: string;
  timings: string;
  usage: string | null;
  turn_id: string | null;
  created_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  character TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  source TEXT NOT NULL,
  user_id TEXT,
  user_name TEXT,
  text TEXT NOT NULL,
  full_text TEXT,
  interrupted INTEGER NOT NULL DEFAULT 0,
  emotions TEXT NOT NULL DEFAULT '[]',
  timings TEXT NOT NULL DEFAULT '{}',
  usage TEXT,
  turn_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
`;

/**
 * Conversation history in SQLite (DATA_DIR/history.sqlite, WAL). Each turn stores the input and
 * the reply as heard, with source, user, emotion tags, timings and token usage. Deleting a
 * message deletes every later message of its conversation (the dialogue after it no longer holds).
 */
export class HistoryStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSqlite(file, { foreignKeys: true });
    this.db.exec(SCHEMA);
  }

  createConversation(character: string): Conversation {
    const now = Date.now();
    const id = randomUUID();
    this.db.prepare('INSERT INTO conversations (id, character, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, character, now, now);
    return { id, character, createdAt: now, updatedAt: now, messageCount: 0 };
  }

  getConversation(id: string): Conversation | undefined {
    const row = this.db
      .prepare('SELECT c.id, c.character, c.created_at, c.updated_at, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS n FROM conversations c WHERE c.id = ?')
      .get(id) as { id: string; character: string; created_at: number; updated_at: number; n: number } | undefined;
    return row ? { id: row.id, character: row.character, createdAt: row.created_at, updatedAt: row.updated_at, messageCount: row.n } : undefined;
  }

  /** Newest first; only `character`'s when given. */
  listConversations(limit = 50, offset = 0, character?: string): Conversation[] {
    const where = character === undefined ? '' : 'WHERE c.character = ? ';
    const rows = this.db
      .prepare(`SELECT c.id, c.character, c.created_at, c.updated_at, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS n FROM conversations c ${where}ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ? OFFSET ?`)
      .all(...(character === undefined ? [] : [character]), limit, offset) as Array<{ id: string; character: string; created_at: number; updated_at: number; n: number }>;
    return rows.map((r) => ({ id: r.id, character: r.character, createdAt: r.created_at, updatedAt: r.updated_at, messageCount: r.n }));
  }

  latestConversation(character: string): Conversation | undefined {
    const row = this.db.prepare('SELECT id FROM conversations WHERE character = ? ORDER BY updated_at DESC, rowid DESC LIMIT 1').get(character) as { id: string } | undefined;
    return row ? this.getConversation(row.id) : undefined;
  }

  append(conversationId: string, message: NewMessage): StoredMessage {
    const now = Date.now();
    const info = this.db
      .prepare(
        `INSERT INTO messages (conversation_id, role, source, user_id, user_name, text, full_text, interrupted, emotions, timings, usage, turn_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        conversationId,
        message.role,
        message.source,
        message.userId,
        message.userName,
        message.text,
        message.fullText,
        message.interrupted ? 1 : 0,
        JSON.stringify(message.emotions),
        JSON.stringify(message.timings),
        message.usage ? JSON.stringify(message.usage) : null,
        message.turnId,
        now,
      );
    this.db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(now, conversationId);
    return { ...message, id: Number(info.lastInsertRowid), conversationId, createdAt: now };
  }

  /** Settles a stored reply once its turn ends (what was heard, interruption, timings). */
  update(id: number, patch: Partial<Pick<StoredMessage, 'text' | 'fullText' | 'interrupted' | 'emotions' | 'timings' | 'usage'>>): void {
    const columns: Array<[string, unknown]> = [];
    if (patch.text !== undefined) columns.push(['text', patch.text]);
    if (patch.fullText !== undefined) columns.push(['full_text', patch.fullText]);
    if (patch.interrupted !== undefined) columns.push(['interrupted', patch.interrupted ? 1 : 0]);
    if (patch.emotions !== undefined) columns.push(['emotions', JSON.stringify(patch.emotions)]);
    if (patch.timings !== undefined) columns.push(['timings', JSON.stringify(patch.timings)]);
    if (patch.usage !== undefined) columns.push(['usage', patch.usage ? JSON.stringify(patch.usage) : null]);
    const sets = columns.map(([c]) => `${c} = ?`);
    const values = columns.map(([, v]) => v);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE messages SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** The newest `limit` messages of a conversation, oldest first. */
  recentMessages(conversationId: string, limit = 200): StoredMessage[] {
    const rows = this.db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?').all(conversationId, limit) as MessageRow[];
    return rows.reverse().map(toMessage);
  }

  messages(conversationId: string, limit = 500, afterId = 0): StoredMessage[] {
    const rows = this.db.prepare('SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id ASC LIMIT ?').all(conversationId, afterId, limit) as MessageRow[];
    return rows.map(toMessage);
  }

  /** Deletes the message and every later message of the conversation. Returns how many went. */
  deleteFrom(conversationId: string, messageId: number): number {
    const exists = this.db.prepare('SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?').get(messageId, conversationId);
    if (!exists) return 0;
    return this.db.prepare('DELETE FROM messages WHERE conversation_id = ? AND id >= ?').run(conversationId, messageId).changes;
  }

  deleteConversation(conversationId: string): boolean {
    return this.db.prepare('DELETE FROM conversations WHERE id = ?').run(conversationId).changes > 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    role: r.role,
    source: r.source,
    userId: r.user_id,
    userName: r.user_name,
    text: r.text,
    fullText: r.full_text,
    interrupted: r.interrupted === 1,
    emotions: JSON.parse(r.emotions) as string[],
    timings: JSON.parse(r.timings) as Record<string, number>,
    usage: r.usage ? (JSON.parse(r.usage) as StoredMessage['usage']) : null,
    turnId: r.turn_id,
    createdAt: r.created_at,
  };
}
