import { EngineError } from '../../core/errors.ts';
import type { HistoryStore, NewMessage, StoredMessage } from './history-store.ts';

/** How many stored messages are read per turn before the token budget trims them. */
const RECENT_LIMIT = 200;

/** The active conversation of the running character: appends, reads the recent window, resumes. */
export class ConversationLog {
  private activeId: string;
  private revisionValue = 0;

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

  /** Changes whenever what `recent()` returns may have changed. */
  get revision(): number {
    return this.revisionValue;
  }

  recent(): StoredMessage[] {
    return this.store.recentMessages(this.activeId, RECENT_LIMIT);
  }

  append(message: NewMessage): StoredMessage {
    this.revisionValue++;
    return this.store.append(this.activeId, message);
  }

  update(id: number, patch: Parameters<HistoryStore['update']>[1]): void {
    this.revisionValue++;
    this.store.update(id, patch);
  }

  /** Deletes a message and everything after it in a conversation; returns how many went. */
  deleteFrom(conversationId: string, messageId: number): number {
    this.revisionValue++;
    return this.store.deleteFrom(conversationId, messageId);
  }

  /** Continues a stored conversation: later turns see its messages. */
  resume(conversationId: string): void {
    if (!this.store.getConversation(conversationId)) throw new EngineError('NOT_FOUND', `no conversation ${conversationId}`);
    this.activeId = conversationId;
    this.revisionValue++;
  }

  /** Starts a fresh conversation (e.g. after the active one was deleted). */
  startNew(): string {
    this.activeId = this.store.createConversation(this.character).id;
    this.revisionValue++;
    return this.activeId;
  }
}
