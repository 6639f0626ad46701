import { newChatCounters, type ChatCounters } from '../../src/chat/chat-counters.ts';

export { bump, pushCounted } from '../../src/chat/chat-counters.ts';

/** What the plugin counted since it started; shown by GET /api/twitch/status and /admin/status. */
export interface TwitchCounters extends ChatCounters {
  /** Gift subs absorbed into an already announced gift bomb. */
  giftsGrouped: number;
  repliesSent: number;
  repliesSkipped: number;
}

export function newCounters(): TwitchCounters {
  return { ...newChatCounters(), giftsGrouped: 0, repliesSent: 0, repliesSkipped: 0 };
}
