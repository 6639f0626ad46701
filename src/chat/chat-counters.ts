import { isEngineError, type EngineError } from '../core/errors.ts';
import type { InputQueue, NewInput } from '../core/input-queue.ts';

/** What a chat platform plugin counted since it started (shown in its status and /admin/status). */
export interface ChatCounters {
  received: Record<string, number>;
  queued: Record<string, number>;
  dropped: Record<string, number>;
  /** Chat lines folded into `chat_batch` inputs. */
  batched: number;
}

export function newChatCounters(): ChatCounters {
  return { received: {}, queued: {}, dropped: {}, batched: 0 };
}

export function bump(bucket: Record<string, number>, key: string, by = 1): void {
  bucket[key] = (bucket[key] ?? 0) + by;
}

/**
 * Pushes one input and counts it as queued, or as dropped when the queue refuses it (full or
 * shutting down). Returns the refusal, if any; other errors are thrown.
 */
export function pushCounted(input: InputQueue, counters: ChatCounters, item: NewInput): EngineError | undefined {
  try {
    input.push(item);
    bump(counters.queued, item.kind);
    return undefined;
  } catch (err) {
    if (!isEngineError(err)) throw err;
    bump(counters.dropped, err.code === 'QUEUE_FULL' ? 'queue_full' : 'shutting_down');
    return err;
  }
}
