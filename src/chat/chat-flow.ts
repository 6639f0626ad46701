import type { Logger } from 'pino';
import type { InputItem, InputUser } from '../core/input.ts';
import type { InputQueue, NewInput } from '../core/input-queue.ts';
import { bump, pushCounted, type ChatCounters } from './chat-counters.ts';
import type { ChatModerationConfig } from './moderation-schema.ts';

/** A chat line that passed moderation, ready to become an input. */
export interface ChatLine {
  input: Extract<NewInput, { kind: 'chat' | 'first_chat' }>;
}

/** Which platform's chat a flow handles: inputs carry `source`, batches speak as `room`. */
export interface ChatSource {
  /** `InputItem.source` of this platform's chat inputs (e.g. `twitch`, `youtube`). */
  source: string;
  /** The user a `chat_batch` is attributed to (e.g. "Twitch chat"). */
  room: InputUser;
}

const STOPWORDS = new Set(
  'the and you that this for are with have not but what was just its it\'s all can get your lol how why who when she her him his they them she\'s i\'m im dont don\'t yes yeah one out now like too omg wow'.split(' '),
);

interface Batch {
  startedAt: number;
  count: number;
  users: Set<string>;
  sample: Array<{ user: InputUser; text: string }>;
  seenForSample: number;
  words: Map<string, number>;
  timer: NodeJS.Timeout | undefined;
}


/**
 * Keeps a platform's chat from flooding the input queue. Normally each line becomes one input, with at most
 * `max_queued_chat` of them waiting (the oldest is superseded). When more than `flood_threshold` lines
 * arrive within `flood_window_ms`, lines are folded into one `chat_batch` input per `batch_interval_ms`
 * ("chat is going wild about X") with a random sample of messages.
 */
export class ChatFlow {
  /** Arrival times of the last `flood_threshold + 1` lines (ring buffer). */
  private readonly arrivals: number[];
  private arrivalIndex = 0;
  private floodUntil = 0;
  private batch: Batch | undefined;
  private disposed = false;

  constructor(
    private readonly from: ChatSource,
    private readonly cfg: ChatModerationConfig,
    private readonly input: InputQueue,
    private readonly counters: ChatCounters,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.arrivals = new Array<number>(cfg.flood_threshold + 1).fill(Number.NEGATIVE_INFINITY);
  }

  private readonly isOwnChat = (item: InputItem): boolean => (item.kind === 'chat' || item.kind === 'first_chat') && item.source === this.from.source;

  get flooding(): boolean {
    return this.batch !== undefined || performance.now() < this.floodUntil;
  }

  /** Notes one chat line's arrival (every line counts toward flood detection, even dropped ones). */
  noteArrival(now: number = performance.now()): void {
    const oldest = this.arrivals[this.arrivalIndex] as number;
    this.arrivals[this.arrivalIndex] = now;
    this.arrivalIndex = (this.arrivalIndex + 1) % this.arrivals.length;
    if (now - oldest <= this.cfg.flood_window_ms) {
      if (now >= this.floodUntil) this.log.info({ event: 'chat.flood_started', source: this.from.source, threshold: this.cfg.flood_threshold, window_ms: this.cfg.flood_window_ms }, 'chat flood: batching chat');
      this.floodUntil = now + this.cfg.flood_window_ms;
    }
  }

  offer(line: ChatLine, now: number = performance.now()): void {
    if (this.disposed) return;
    if (now < this.floodUntil || this.batch) {
      this.addToBatch(line.input, now);
      return;
    }
    this.pushSingle(line.input);
  }

  /** Drops a banned viewer's lines from the batch being collected. */
  forgetUser(userId: string): void {
    if (!this.batch) return;
    this.batch.sample = this.batch.sample.filter((e) => e.user.id !== userId);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.batch?.timer);
    this.batch = undefined;
  }

  private pushSingle(item: ChatLine['input']): void {
    const queued = this.input.snapshot().filter(this.isOwnChat);
    // Oldest first: make room so fresh chat wins over stale chat.
    for (let i = 0; i <= queued.length - this.cfg.max_queued_chat; i++) {
      const old = queued[i] as InputItem;
      this.input.remove((q) => q.id === old.id, 'superseded');
      bump(this.counters.dropped, 'superseded');
    }
    this.push(item);
  }

  private push(item: NewInput): void {
    pushCounted(this.input, this.counters, item);
  }

  private addToBatch(item: NewInput, now: number): void {
    let batch = this.batch;
    if (!batch) {
      batch = { startedAt: now, count: 0, users: new Set(), sample: [], seenForSample: 0, words: new Map(), timer: undefined };
      this.batch = batch;
      batch.timer = setTimeout(() => this.flush(), this.cfg.batch_interval_ms);
      // Single lines still waiting are part of the same wave: fold them in.
      const waiting = this.input.remove(this.isOwnChat, 'superseded');
      for (const old of waiting) this.collect(batch, old);
    }
    this.collect(batch, item);
  }

  private collect(batch: Batch, item: NewInput): void {
    batch.count++;
    this.counters.batched++;
    if (batch.users.size < 5_000) batch.users.add(item.user.id);
    // Reservoir sampling: every line has the same chance to be in the sample.
    const entry = { user: item.user, text: item.text };
    const size = this.cfg.batch_sample_size;
    batch.seenForSample++;
    if (batch.sample.length < size) batch.sample.push(entry);
    else {
      const j = Math.floor(this.random() * batch.seenForSample);
      if (j < size) batch.sample[j] = entry;
    }
    const distinct = new Set(item.text.toLowerCase().match(/[\p{L}\p{N}_']{3,24}/gu) ?? []);
    for (const word of distinct) {
      if (STOPWORDS.has(word)) continue;
      const n = batch.words.get(word);
      if (n !== undefined) batch.words.set(word, n + 1);
      else if (batch.words.size < 2_000) batch.words.set(word, 1);
    }
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch || this.disposed || batch.count === 0) return;
    let topic: string | undefined;
    let best = 1;
    for (const [word, n] of batch.words) {
      if (n > best) {
        best = n;
        topic = word;
      }
    }
    const seconds = Math.max(1, Math.round((performance.now() - batch.startedAt) / 1000));
    const text = `Chat is going wild${topic ? ` about "${topic}"` : ''}: ${batch.count} messages from ${batch.users.size} viewers in ${seconds} s.`;
    // Only the freshest summary is worth answering.
    const replaced = this.input.remove((q) => q.kind === 'chat_batch' && q.user.id === this.from.room.id, 'superseded');
    if (replaced.length) bump(this.counters.dropped, 'superseded', replaced.length);
    this.push({
      kind: 'chat_batch',
      text,
      user: this.from.room,
      source: this.from.source,
      count: batch.count,
      viewers: batch.users.size,
      topic,
      topicCount: topic ? best : 0,
      durationMs: seconds * 1000,
      messages: batch.sample,
    });
    this.log.debug({ event: 'chat.batch', source: this.from.source, count: batch.count, viewers: batch.users.size }, 'chat batch queued');
  }
}
