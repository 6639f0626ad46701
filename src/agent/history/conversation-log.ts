import { EngineError } from '../../core/errors.ts';
import type { HistoryStore, NewMessage, StoredMessage } from './history-store.ts';

/** How many stored messages are read per turn before the token budget trims them. */
const RECENT_LIMIT = 200;

/**
 * The active conversation of the running character: appends, reads the recent window, resumes.
 * The window (the last RECENT_LIMIT messages) is read from SQLite once and then kept in step with
 * every append and update, so building a prompt does not re-read and re-parse 200 rows per turn.
 */
export class ConversationLog {
  private activeId: string;
  private revisionValue = 0;
  /** The last RECENT_LIMIT messages of the active conversation, oldest first, once read. */
  private window: StoredMessage[] | undefined;

  constructor(
    private readonly store: HistoryStore,
    private character: string,
    resumeLast: boolean,
  ) {
    this.activeId = this.open(character, resumeLast);
  }

  /** The character whose conversation this is. */
  get characterName(): string {
    return this.character;
  }

  /**
   * Moves to another character's conversation (a runtime switch): its newest one when `resumeLast`,
   * otherwise a new one. Later prompts see only that character's history.
   */
  switchCharacter(character: string, resumeLast: boolean): void {
    this.character = character;
    this.activeId = this.open(character, resumeLast);
    this.revisionValue++;
    this.window = undefined;
  }

  /** The character's newest conversation when `resumeLast`, otherwise a new one. */
  private open(character: string, resumeLast: boolean): string {
    const last = resumeLast ? this.store.latestConversation(character) : undefined;
    return last?.id ?? this.store.createConversation(character).id;
  }

  get conversationId(): string {
    return this.activeId;
  }

  /** Changes whenever what `recent()` returns may have changed. */
  get revision(): number {
    return this.revisionValue;
  }

  /** The recent messages, oldest first (a copy of the window; the messages must not be changed). */
  recent(): StoredMessage[] {
    this.window ??= this.store.recentMessages(this.activeId, RECENT_LIMIT);
    return [...this.window];
  }

  append(message: NewMessage): StoredMessage {
    this.revisionValue++;
    const stored = this.store.append(this.activeId, message);
    if (this.window) {
      this.window.push({ ...stored, emotions: [...stored.emotions], timings: { ...stored.timings } });
      if (this.window.length > RECENT_LIMIT) this.window.shift();
    }
    return stored;
  }

  update(id: number, patch: Parameters<HistoryStore['update']>[1]): void {
    this.revisionValue++;
    this.store.update(id, patch);
    const i = this.window?.findIndex((m) => m.id === id) ?? -1;
    if (this.window && i >= 0) {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      this.window[i] = { ...(this.window[i] as StoredMessage), ...set };
    }
  }

  /** Deletes a message and everything after it in a conversation; returns how many went. */
  deleteFrom(conversationId: string, messageId: number): number {
    this.revisionValue++;
    this.window = undefined;
    return this.store.deleteFrom(conversationId, messageId);
  }

  /** Continues a stored conversation: later turns see its messages. */
  resume(conversationId: string): void {
    if (!this.store.getConversation(conversationId)) throw new EngineError('NOT_FOUND', `no conversation ${conversationId}`);
    this.activeId = conversationId;
    this.revisionValue++;
    this.window = undefined;
  }

  /** Starts a fresh conversation (e.g. after the active one was deleted). */
  startNew(): string {
    this.activeId = this.store.createConversation(this.character).id;
    this.revisionValue++;
    this.window = undefined;
    return this.activeId;
  }
}
