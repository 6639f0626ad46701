import type { ConversationLog } from './conversation-log.ts';
import type { HistoryStore } from './history-store.ts';

declare module '../../core/services.ts' {
  interface ServiceMap {
    /** The conversation history: the SQLite store and the running character's active conversation. */
    history: HistoryService;
  }
}

export interface HistoryService {
  store: HistoryStore;
  log: ConversationLog;
}
