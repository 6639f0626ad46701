import { isEngineError, type EngineError } from '../../src/core/errors.ts';
import type { InputQueue, NewInput } from '../../src/core/input-queue.ts';

/** What the plugin counted since it started; shown by GET /api/twitch/status and /admin/status. */
export interface TwitchCounters {
  received: Record<string, number>;
  queued: Record<string, number>;
  dropped: Record<string, number>;
  /** Chat lines folded into `chat_batch` inputs. */
  batched: number;
  /** Gift subs absorbed into an already announced gift bomb. */
  giftsGrouped: number;
  repliesSent: number;
  repliesSkipped: number;
}

export function newCounters(): TwitchCounters {
  return { received: {}, queued: {}, dropped: {}, batched: 0, giftsGrouped: 0, repliesSent: 0, repliesSkipped: 0 };
}

export function bump(bucket: Record<string, number>, key: string, by = 1): void {
  bucket[key] = (bucket[key] ?? 0) + by;
}

/**
 * Pushes one input and counts it as queued, or as dropped when the queue refuses it (full or
 * shutting down). Returns the refusal, if any; other errors are thrown.
 */
export function pushCounted(input: InputQueue, counters: TwitchCounters, item: NewInput): EngineError | undefined {
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
