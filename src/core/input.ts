/** Where an input came from. The queue orders by these, and the agent picks a prompt template by them. */
export type InputKind =
  | 'voice'
  | 'text'
  | 'donation'
  | 'cheer'
  | 'sub'
  | 'resub'
  | 'gift'
  | 'raid'
  | 'chat'
  | 'chat_batch'
  | 'first_chat'
  | 'proactive'
  | 'system';

/** Lower runs first. The streamer's voice and typed text beat everything; chat comes last. */
export const INPUT_PRIORITY: Readonly<Record<InputKind, number>> = Object.freeze({
  voice: 0,
  text: 0,
  system: 0,
  donation: 1,
  cheer: 1,
  sub: 2,
  resub: 2,
  gift: 2,
  raid: 2,
  first_chat: 3,
  chat: 3,
  chat_batch: 3,
  proactive: 4,
});

export interface InputUser {
  /** Stable platform id (e.g. `twitch:12345`, `local:streamer`); nicknames may change, this may not. */
  id: string;
  displayName: string;
  platform: 'local' | 'twitch' | 'webhook' | 'mcp' | 'system';
}

export interface InputItem {
  id: string;
  kind: InputKind;
  text: string;
  user: InputUser;
  /** `performance.now()` when the input was received. */
  receivedAt: number;
  /** Kind-specific data: bits, months, viewer count, amount and currency, batched messages... */
  meta?: Readonly<Record<string, unknown>>;
  /** The websocket client that sent it, if any. */
  clientUid?: string;
  /** Timings already measured before the queue (e.g. VAD end, ASR final). */
  timings?: Readonly<Record<string, number>>;
}

export const STREAMER: InputUser = Object.freeze({ id: 'local:streamer', displayName: 'Streamer', platform: 'local' });
