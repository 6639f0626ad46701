import type { Client } from 'tmi.js';

/** A Twitch account as the IRC tags describe it. `id` is the numeric user id (stable), `login` may change. */
export interface TwitchUser {
  id: string;
  login: string;
  displayName: string;
}

export interface ChatBadges {
  broadcaster: boolean;
  moderator: boolean;
  vip: boolean;
  subscriber: boolean;
}

interface Base {
  /** The IRCv3 `id` tag: unique per message, the same when Twitch replays it. */
  msgId: string | undefined;
}

/** One Twitch chat event, already freed from tmi.js's tag quirks. */
export type TwitchEvent =
  | (Base & { type: 'chat'; user: TwitchUser; text: string; firstMessage: boolean; action: boolean; badges: ChatBadges })
  | (Base & { type: 'cheer'; user: TwitchUser; bits: number; text: string })
  | (Base & { type: 'sub'; user: TwitchUser; plan: string; prime: boolean; message: string })
  | (Base & { type: 'resub'; user: TwitchUser; months: number; streakMonths: number; plan: string; prime: boolean; message: string })
  | (Base & { type: 'subgift'; gifter: TwitchUser | undefined; recipient: string; plan: string; groupId: string | undefined })
  | (Base & { type: 'submysterygift'; gifter: TwitchUser | undefined; count: number; plan: string; groupId: string | undefined })
  | (Base & { type: 'raid'; user: TwitchUser; viewers: number })
  /** A moderator deleted one message, timed out or banned a viewer, or cleared the chat. */
  | (Base & { type: 'mod_action'; action: 'delete'; targetMsgId: string })
  | (Base & { type: 'mod_action'; action: 'ban' | 'timeout'; targetUserId: string })
  | (Base & { type: 'mod_action'; action: 'clear' });

type Tags = Record<string, unknown>;

/** tmi.js turns the tag values "1" and "0" into booleans; numbers and ids need them back. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === true) return '1';
  if (value === false) return '0';
  if (typeof value === 'number') return String(value);
  return '';
}

function count(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  const n = Number(text(value));
  return Number.isFinite(n) ? n : 0;
}

const ANONYMOUS_GIFTER_LOGIN = 'ananonymousgifter';

function userFrom(tags: Tags, prefix = ''): TwitchUser {
  const login = text(tags[`${prefix}login`]) || text(tags.username);
  const displayName = text(tags[`${prefix}display-name`]) || text(tags[`${prefix}displayName`]) || login;
  const id = text(tags[prefix ? `${prefix}user-id` : 'user-id']) || (login ? `login:${login.toLowerCase()}` : 'unknown');
  return { id, login: login.toLowerCase(), displayName };
}

function badgesFrom(tags: Tags): ChatBadges {
  const b = (typeof tags.badges === 'object' && tags.badges !== null ? tags.badges : {}) as Record<string, unknown>;
  return {
    broadcaster: 'broadcaster' in b,
    moderator: 'moderator' in b || tags.mod === true,
    vip: 'vip' in b,
    subscriber: 'subscriber' in b || 'founder' in b || tags.subscriber === true,
  };
}

function planOf(tags: Tags): { plan: string; prime: boolean } {
  const plan = text(tags['msg-param-sub-plan']);
  return { plan, prime: plan === 'Prime' };
}

function gifterFrom(tags: Tags): TwitchUser | undefined {
  const user = userFrom(tags);
  return user.login === ANONYMOUS_GIFTER_LOGIN || !user.login ? undefined : user;
}

/** Gift subs of one gift bomb share `msg-param-community-gift-id` (newer) or `msg-param-origin-id`. */
function giftGroupOf(tags: Tags): string | undefined {
  return text(tags['msg-param-community-gift-id']) || text(tags['msg-param-origin-id']) || undefined;
}

function msgIdOf(tags: Tags): string | undefined {
  return text(tags.id) || undefined;
}

/** Subscribes to a tmi.js client's events and hands each one over normalized. Returns the unsubscribe. */
export function attachEventHandlers(client: Client, onEvent: (event: TwitchEvent) => void): () => void {
  const handlers: Array<[string, (...args: never[]) => void]> = [
    [
      'message',
      (_channel: string, tags: Tags, message: string, self: boolean) => {
        if (self) return;
        const kind = text(tags['message-type']);
        if (kind !== 'chat' && kind !== 'action') return;
        onEvent({ type: 'chat', msgId: msgIdOf(tags), user: userFrom(tags), text: message, firstMessage: tags['first-msg'] === true, action: kind === 'action', badges: badgesFrom(tags) });
      },
    ],
    [
      'cheer',
      (_channel: string, tags: Tags, message: string) => {
        onEvent({ type: 'cheer', msgId: msgIdOf(tags), user: userFrom(tags), bits: count(tags.bits), text: message });
      },
    ],
    [
      'subscription',
      (_channel: string, _username: string, _methods: unknown, message: string | null, tags: Tags) => {
        onEvent({ type: 'sub', msgId: msgIdOf(tags), user: userFrom(tags), ...planOf(tags), message: message ?? '' });
      },
    ],
    [
      'resub',
      (_channel: string, _username: string, streak: number, message: string | null, tags: Tags) => {
        const months = count(tags['msg-param-cumulative-months']) || count(tags['msg-param-months']) || streak;
        onEvent({ type: 'resub', msgId: msgIdOf(tags), user: userFrom(tags), months, streakMonths: count(tags['msg-param-streak-months']), ...planOf(tags), message: message ?? '' });
      },
    ],
    [
      'subgift',
      (_channel: string, _username: string, _streak: number, recipient: string, _methods: unknown, tags: Tags) => {
        onEvent({ type: 'subgift', msgId: msgIdOf(tags), gifter: gifterFrom(tags), recipient: recipient || '', plan: planOf(tags).plan, groupId: giftGroupOf(tags) });
      },
    ],
    [
      'anonsubgift',
      (_channel: string, _streak: number, recipient: string, _methods: unknown, tags: Tags) => {
        onEvent({ type: 'subgift', msgId: msgIdOf(tags), gifter: undefined, recipient: recipient || '', plan: planOf(tags).plan, groupId: giftGroupOf(tags) });
      },
    ],
    [
      'submysterygift',
      (_channel: string, _username: string, n: number, _methods: unknown, tags: Tags) => {
        onEvent({ type: 'submysterygift', msgId: msgIdOf(tags), gifter: gifterFrom(tags), count: n || count(tags['msg-param-mass-gift-count']), plan: planOf(tags).plan, groupId: giftGroupOf(tags) });
      },
    ],
    [
      'anonsubmysterygift',
      (_channel: string, n: number, _methods: unknown, tags: Tags) => {
        onEvent({ type: 'submysterygift', msgId: msgIdOf(tags), gifter: undefined, count: n || count(tags['msg-param-mass-gift-count']), plan: planOf(tags).plan, groupId: giftGroupOf(tags) });
      },
    ],
    [
      'raided',
      (_channel: string, _username: string, viewers: number, tags: Tags) => {
        const user = userFrom(tags, 'msg-param-');
        // The raider is the message's sender; `msg-param-login` names the same account.
        const sender = userFrom(tags);
        onEvent({ type: 'raid', msgId: msgIdOf(tags), user: { ...user, id: sender.id }, viewers: Number.isFinite(viewers) ? viewers : count(tags['msg-param-viewerCount']) });
      },
    ],
    [
      'messagedeleted',
      (_channel: string, _username: string, _deleted: string, tags: Tags) => {
        const target = text(tags['target-msg-id']);
        if (target) onEvent({ type: 'mod_action', msgId: undefined, action: 'delete', targetMsgId: target });
      },
    ],
    [
      'ban',
      (_channel: string, _username: string, _reason: unknown, tags: Tags) => {
        const target = text(tags['target-user-id']);
        if (target) onEvent({ type: 'mod_action', msgId: undefined, action: 'ban', targetUserId: target });
      },
    ],
    [
      'timeout',
      (_channel: string, _username: string, _reason: unknown, _duration: number, tags: Tags) => {
        const target = text(tags['target-user-id']);
        if (target) onEvent({ type: 'mod_action', msgId: undefined, action: 'timeout', targetUserId: target });
      },
    ],
    ['clearchat', () => onEvent({ type: 'mod_action', msgId: undefined, action: 'clear' })],
  ];
  const emitter = client as unknown as { on(event: string, fn: (...args: never[]) => void): unknown; removeListener(event: string, fn: (...args: never[]) => void): unknown };
  for (const [event, fn] of handlers) emitter.on(event, fn);
  return () => {
    for (const [event, fn] of handlers) emitter.removeListener(event, fn);
  };
}
