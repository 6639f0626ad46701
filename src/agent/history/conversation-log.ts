import { EngineError } from '../../core/errors.ts';
import type { HistoryStore, NewMessage, StoredMessage } from './history-store.ts';

/** How many stored messages are read per turn before the token budget trims them. */
const RECENT_LIMIT = 200;

/** The active conversation of the running character: appends, reads the recent window, resumes. */
export class ConversationLog {
  private activeId: string;

  constructor(
    private readonly store: HistoryStore,
    private readonly character: string,
    resumeLast: boolean,
  ) {
    const last = resumeLast ? store.latestConversation(character) : undefined;
    this.activeId = last?.id ?? store.createConversation(character).id;
  }

  get conversationId(): string {
    return this.activeId;
  }

  recent(): StoredMessage[] {
    return this.store.recentMessages(this.activeId, RECENT_LIMIT);
  }

  append(message: NewMessage): StoredMessage {
    return this.store.append(this.activeId, message);
  }

  update(id: number, patch: Parameters<HistoryStore['update']>[1]): void {
    this.store.update(id, patch);
  }

  /** Continues a stored conversation: later turns see its messages. */
  resume(conversationId: string): void {
    if (!this.store.getConversation(conversationId)) throw new EngineError('NOT_FOUND', `no conversation ${conversationId}`);
    this.activeId = conversationId;
  }

  /** Starts a fresh conversation (e.g. after the active one was deleted). */
  startNew(): string {
    this.activeId = this.store.createConversation(this.character).id;
    return this.activeId;
  }
}
