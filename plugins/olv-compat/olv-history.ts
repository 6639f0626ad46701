import type { HistoryService } from '../../src/agent/history/history-service.ts';
import type { StoredMessage } from '../../src/agent/history/history-store.ts';
import type { OlvClientMessage } from './olv-protocol.ts';

export type HistoryRequest = Extract<OlvClientMessage, { type: 'fetch-history-list' | 'fetch-and-set-history' | 'create-new-history' | 'delete-history' }>;

/** One message as their client shows it (chat_history_manager.py's stored item, `system` rows left out). */
export interface OlvHistoryMessage {
  role: 'human' | 'ai';
  timestamp: string;
  content: string;
  name?: string;
}

/** One entry of their `history-list`. */
export interface OlvHistoryInfo {
  uid: string;
  latest_message: OlvHistoryMessage | null;
  timestamp: string | null;
}

export type HistoryAnswer<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Their chat histories on our SQLite conversation history: a history is one of the active
 * character's conversations (their histories are per `conf_uid` too). Loading one makes it the
 * conversation the character continues, as their `set_memory_from_history` does.
 */
export class OlvHistory {
  constructor(
    private readonly service: () => HistoryService | undefined,
    /** The character's display name, stored as `name` on its replies. */
    private readonly aiName: () => string,
  ) {}

  /** Their answer to one history message (websocket_handler.py's history handlers), or their `error`. */
  answer(msg: HistoryRequest): Record<string, unknown> {
    const reply = <T>(r: HistoryAnswer<T>, ok: (v: T) => Record<string, unknown>): Record<string, unknown> => (r.ok ? ok(r.value) : { type: 'error', message: r.message });
    switch (msg.type) {
      case 'fetch-history-list':
        return reply(this.list(), (histories) => ({ type: 'history-list', histories }));
      case 'fetch-and-set-history':
        return reply(this.load(msg.history_uid), (messages) => ({ type: 'history-data', messages }));
      case 'create-new-history':
        return reply(this.create(), (uid) => ({ type: 'new-history-created', history_uid: uid }));
      case 'delete-history':
        return reply(this.delete(msg.history_uid), (success) => ({ type: 'history-deleted', success, history_uid: msg.history_uid }));
    }
  }

  private get svc(): HistoryAnswer<HistoryService> {
    const s = this.service();
    return s ? { ok: true, value: s } : { ok: false, message: 'chat history is not available: the agent stage is not running' };
  }

  private toOlv(m: StoredMessage): OlvHistoryMessage {
    const name = m.role === 'assistant' ? this.aiName() : m.userName;
    return { role: m.role === 'assistant' ? 'ai' : 'human', timestamp: new Date(m.createdAt).toISOString(), content: m.text, ...(name ? { name } : {}) };
  }

  /**
   * Their client was interrupted while still playing a reply our engine had finished sending: the
   * stored reply becomes what was heard (the engine records that only for a turn still running).
   */
  markHeard(turnId: string, heard: string): boolean {
    const s = this.service();
    if (!s) return false;
    const reply = s.log.recent().findLast((m) => m.turnId === turnId && m.role === 'assistant');
    if (!reply || reply.interrupted || heard.trim() === reply.text.trim()) return false;
    s.log.update(reply.id, { text: heard.trim(), fullText: reply.fullText ?? reply.text, interrupted: true });
    return true;
  }

  /** The active character's non-empty conversations, newest first. */
  list(): HistoryAnswer<OlvHistoryInfo[]> {
    const s = this.svc;
    if (!s.ok) return s;
    const { store, log } = s.value;
    const out: OlvHistoryInfo[] = [];
    for (const c of store.listConversations(200, 0, log.characterName)) {
      if (c.messageCount === 0) continue;
      const last = store.recentMessages(c.id, 1)[0];
      const latest = last ? this.toOlv(last) : null;
      out.push({ uid: c.id, latest_message: latest, timestamp: latest?.timestamp ?? null });
    }
    return { ok: true, value: out };
  }

  /** Makes `uid` the conversation the character continues and returns its messages. */
  load(uid: string): HistoryAnswer<OlvHistoryMessage[]> {
    const s = this.svc;
    if (!s.ok) return s;
    const { store, log } = s.value;
    const c = store.getConversation(uid);
    if (!c || c.character !== log.characterName) return { ok: false, message: `fetch-and-set-history: no history "${uid.slice(0, 80)}" for this character` };
    log.resume(uid);
    return { ok: true, value: store.messages(uid, 5000).map((m) => this.toOlv(m)) };
  }

  /** Starts a new conversation; an active one that is still empty is reused, so reconnects do not pile up empty histories. */
  create(): HistoryAnswer<string> {
    const s = this.svc;
    if (!s.ok) return s;
    const { store, log } = s.value;
    if (store.getConversation(log.conversationId)?.messageCount === 0) return { ok: true, value: log.conversationId };
    return { ok: true, value: log.startNew() };
  }

  /** Deletes one of the character's conversations; deleting the active one starts a new one. */
  delete(uid: string): HistoryAnswer<boolean> {
    const s = this.svc;
    if (!s.ok) return s;
    const { store, log } = s.value;
    const c = store.getConversation(uid);
    if (!c || c.character !== log.characterName) return { ok: true, value: false };
    const deleted = store.deleteConversation(uid);
    if (deleted && log.conversationId === uid) log.startNew();
    return { ok: true, value: deleted };
  }
}
