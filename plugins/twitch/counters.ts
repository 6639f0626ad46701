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
