import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EventBus } from './bus.ts';
import { EngineError } from './errors.ts';
import { INPUT_PRIORITY, type InputItem } from './input.ts';
import { traceOf, withTrace } from '../logging/trace-context.ts';

export interface InputQueueOptions {
  /** Most items held at once. */
  maxSize: number;
  /** Items of these kinds older than this are dropped as stale when taken (chat ages fast). */
  maxAgeMs: Partial<Record<InputItem['kind'], number>>;
}

export const DEFAULT_QUEUE_OPTIONS: InputQueueOptions = { maxSize: 64, maxAgeMs: { chat: 30_000, chat_batch: 30_000, first_chat: 60_000, proactive: 5_000 } };

/** An input as pushed: `id` and `receivedAt` are filled in when missing. Distributes over the kinds. */
export type NewInput = InputItem extends infer T ? (T extends InputItem ? Omit<T, 'id' | 'receivedAt'> & Partial<Pick<T, 'id' | 'receivedAt'>> : never) : never;

/**
 * One bounded priority queue for every input (voice, text, chat, events). FIFO within a priority.
 * Drop policy when full: the newest item of the lowest priority present goes first; an incoming
 * item of lower priority than everything queued is refused instead.
 */
export class InputQueue {
  private readonly items: InputItem[] = [];
  private readonly waiters: Array<{ resolve: (item: InputItem) => void; reject: (err: Error) => void; signal?: AbortSignal; onAbort?: () => void }> = [];
  private closed = false;

  constructor(
    private readonly bus: EventBus,
    private readonly opts: InputQueueOptions = DEFAULT_QUEUE_OPTIONS,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get capacity(): number {
    return this.opts.maxSize;
  }

  /** Adds an input. Returns the stored item, or throws QUEUE_FULL / SHUTTING_DOWN. */
  push(input: NewInput): InputItem {
    if (this.closed) throw new EngineError('SHUTTING_DOWN');
    const item = { ...input, id: input.id ?? randomUUID(), receivedAt: input.receivedAt ?? performance.now() } as InputItem;
    const waiter = this.waiters.shift();
    if (waiter) {
      withTrace(traceOf(item), () => this.bus.emit('input.queued', item));
      waiter.signal?.removeEventListener('abort', waiter.onAbort ?? noop);
      waiter.resolve(item);
      return item;
    }
    if (this.items.length >= this.opts.maxSize && !this.makeRoomFor(item)) {
      this.bus.emit('input.dropped', { item, reason: 'queue_full' });
      throw new EngineError('QUEUE_FULL', `input queue is full (${this.opts.maxSize} items)`);
    }
    const priority = INPUT_PRIORITY[item.kind];
    let at = this.items.length;
    while (at > 0 && INPUT_PRIORITY[(this.items[at - 1] as InputItem).kind] > priority) at--;
    this.items.splice(at, 0, item);
    withTrace(traceOf(item), () => this.bus.emit('input.queued', item));
    return item;
  }

  /** Takes the highest-priority item, waiting for one if the queue is empty. */
  next(signal?: AbortSignal): Promise<InputItem> {
    const item = this.takeFresh();
    if (item) return Promise.resolve(item);
    if (this.closed) return Promise.reject(new EngineError('SHUTTING_DOWN'));
    return new Promise((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject, ...(signal ? { signal } : {}) };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new EngineError('ABORTED'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /** Takes without waiting; undefined when empty. */
  poll(): InputItem | undefined {
    return this.takeFresh();
  }

  /** Items currently waiting, in the order they will run (a copy). */
  snapshot(): InputItem[] {
    return [...this.items];
  }

  /** Removes every queued item matching `predicate` (e.g. chat superseded by a batch). */
  remove(predicate: (item: InputItem) => boolean, reason: 'superseded' | 'expired' = 'superseded'): InputItem[] {
    const removed: InputItem[] = [];
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i] as InputItem;
      if (predicate(item)) {
        this.items.splice(i, 1);
        removed.unshift(item);
        this.bus.emit('input.dropped', { item, reason });
      }
    }
    return removed;
  }

  /** Refuses new input and fails every waiter; queued items are reported as dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const item of this.items.splice(0)) this.bus.emit('input.dropped', { item, reason: 'shutdown' });
    for (const waiter of this.waiters.splice(0)) waiter.reject(new EngineError('SHUTTING_DOWN'));
  }

  private takeFresh(): InputItem | undefined {
    const now = performance.now();
    while (this.items.length > 0) {
      const item = this.items.shift() as InputItem;
      const maxAge = this.opts.maxAgeMs[item.kind];
      if (maxAge !== undefined && now - item.receivedAt > maxAge) {
        this.bus.emit('input.dropped', { item, reason: 'expired' });
        continue;
      }
      return item;
    }
    return undefined;
  }

  private makeRoomFor(incoming: InputItem): boolean {
    const last = this.items[this.items.length - 1];
    if (!last) return true;
    // Never evict something more important than the newcomer.
    if (INPUT_PRIORITY[last.kind] < INPUT_PRIORITY[incoming.kind]) return false;
    if (INPUT_PRIORITY[last.kind] === INPUT_PRIORITY[incoming.kind] && INPUT_PRIORITY[incoming.kind] > 0) return false;
    this.items.pop();
    this.bus.emit('input.dropped', { item: last, reason: 'queue_full' });
    return true;
  }
}

function noop(): void {}
