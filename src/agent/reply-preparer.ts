import { STREAMER, type InputItem } from '../core/input.ts';
import type { ConversationLog } from './history/conversation-log.ts';
import type { ChatMessage } from './llm/llm-types.ts';
import type { PrefetchingProvider, PrefetchRequest } from './llm/prefetching-provider.ts';

export interface ReplyPreparerDeps {
  prefetcher: PrefetchingProvider;
  history: ConversationLog;
  /** Builds the prompt exactly as a turn for `input` would. */
  compose(input: InputItem, signal: AbortSignal): Promise<ChatMessage[]>;
  /** The first LLM request a turn sends for these messages. */
  request(messages: ChatMessage[]): PrefetchRequest;
}

/** Ends on a comma, semicolon, colon or dash: the speaker is mid-sentence, the request would be wasted. */
const UNFINISHED = /[,，、;；:：\-–—]\s*$/u;

/** A prompt built from a tentative transcript, with its LLM request already sent. */
export interface Prepared {
  text: string;
  clientUid: string;
  /** The history it was built on; a turn after any change builds its own. */
  revision: number;
  controller: AbortController;
  messages: Promise<ChatMessage[]>;
  /** When the LLM request went out (`performance.now()`), once it has. */
  startedAt?: number;
}

/**
 * Starts the reply to what the streamer has said so far, before the VAD's hangover confirms the
 * end: the prompt is built as the turn would build it (so memory and relationship context are
 * gathered ahead too) and the LLM request is sent through the prefetching provider. If the voice
 * turn then arrives with the same text on the same history, it takes both over; otherwise the
 * work is dropped. Nothing is stored or sent to clients until the turn exists.
 */
export class ReplyPreparer {
  private prepared: Prepared | undefined;

  constructor(private readonly d: ReplyPreparerDeps) {}

  /** Prepares the reply to `text`; returns false when the text is clearly unfinished (nothing is started). */
  prepare(text: string, clientUid: string): boolean {
    this.discard('replaced');
    if (UNFINISHED.test(text)) return false;
    const input: InputItem = { id: 'tentative', kind: 'voice', text, user: STREAMER, receivedAt: performance.now(), clientUid };
    const controller = new AbortController();
    const prepared: Prepared = { text, clientUid, revision: this.d.history.revision, controller, messages: this.d.compose(input, controller.signal) };
    this.prepared = prepared;
    prepared.messages.then(
      (messages) => {
        if (this.prepared === prepared) prepared.startedAt = this.d.prefetcher.prefetch(this.d.request(messages));
      },
      () => {
        if (this.prepared === prepared) this.discard('prompt failed');
      },
    );
    return true;
  }

  /** Drops prepared work (for one client's voice only, when `clientUid` is given). */
  discard(reason: string, clientUid?: string): void {
    const p = this.prepared;
    if (!p || (clientUid !== undefined && p.clientUid !== clientUid)) return;
    this.prepared = undefined;
    p.controller.abort();
    this.d.prefetcher.cancel(reason);
  }

  /** The prepared prompt, if it was made for exactly this input on the current history; else drops it. */
  take(input: InputItem): Prepared | undefined {
    const p = this.prepared;
    if (!p) return undefined;
    if (input.kind === 'voice' && input.text === p.text && input.clientUid === p.clientUid && this.d.history.revision === p.revision) {
      this.prepared = undefined;
      return p;
    }
    this.discard('stale');
    return undefined;
  }
}
