import type { Logger } from 'pino';
import type { InputUser } from '../../src/core/input.ts';
import type { InputQueue, NewInput } from '../../src/core/input-queue.ts';
import { ChatFlow } from '../../src/chat/chat-flow.ts';
import type { TwitchConfig } from './config.ts';
import { bump, pushCounted, type TwitchCounters } from './counters.ts';
import { GiftGrouper, type GiftGroup } from './gift-grouper.ts';
import type { ChatModerator } from '../../src/chat/chat-moderator.ts';
import { RecentIds } from '../../src/chat/recent-ids.ts';
import type { TwitchEvent, TwitchUser } from './twitch-events.ts';

export function inputUser(user: TwitchUser): InputUser {
  return { id: `twitch:${user.id}`, displayName: user.displayName || user.login, platform: 'twitch' };
}

const TWITCH_CHAT = Object.freeze({ source: 'twitch', room: Object.freeze({ id: 'twitch:chat', displayName: 'Twitch chat', platform: 'twitch' as const }) });

const ANONYMOUS: InputUser = Object.freeze({ id: 'twitch:anonymous', displayName: 'An anonymous gifter', platform: 'twitch' });

export function tierName(plan: string): string {
  if (plan === 'Prime') return 'Prime';
  const tier = /^([123])000$/.exec(plan)?.[1];
  return tier ? `Tier ${tier}` : plan || 'Tier 1';
}

const withMessage = (line: string, message: string): string => (message ? `${line} They said: ${message}` : line);

/**
 * Turns normalized Twitch events into inputs: dedupes by the IRCv3 `id` tag, applies moderation,
 * groups gift subs and hands chat to the flood control. Every event that is not dropped becomes
 * exactly one input.
 */
export class EventRouter {
  private readonly seen = new RecentIds(20_000);
  private readonly gifts: GiftGrouper;
  readonly chat: ChatFlow;
  lastEventAt: number | undefined;

  constructor(
    private readonly cfg: TwitchConfig,
    private readonly input: InputQueue,
    private readonly moderator: ChatModerator,
    private readonly counters: TwitchCounters,
    private readonly log: Logger,
  ) {
    this.chat = new ChatFlow(TWITCH_CHAT, cfg.moderation, input, counters, log);
    this.gifts = new GiftGrouper(cfg.gift_window_ms, (group) => this.pushGift(group));
  }

  dispose(): void {
    this.gifts.dispose();
    this.chat.dispose();
  }

  handle(event: TwitchEvent): void {
    if (event.msgId !== undefined && this.seen.seen(event.msgId)) {
      bump(this.counters.dropped, 'duplicate');
      return;
    }
    this.lastEventAt = Date.now();
    bump(this.counters.received, event.type);
    switch (event.type) {
      case 'chat':
        return this.onChat(event);
      case 'cheer': {
        if (this.moderator.isIgnoredUser(event.user)) return this.drop('blocked_user');
        // Cheermotes ("Cheer100") are noise to the character; the amount is in `bits`.
        const message = this.moderator.cleanEventMessage(event.text.replace(/(?<![\p{L}\p{N}])[A-Za-z]+\d+(?![\p{L}\p{N}])/gu, ' '));
        if (event.bits < this.cfg.min_bits) {
          if (!message) return this.drop('empty');
          return this.onChat({ type: 'chat', msgId: event.msgId, user: event.user, text: message, firstMessage: false, action: false, badges: { broadcaster: false, moderator: false, vip: false, subscriber: false } });
        }
        const name = event.user.displayName;
        return this.push({ kind: 'cheer', text: withMessage(`${name} cheered ${event.bits} bits.`, message), user: inputUser(event.user), source: 'twitch', sourceMessageId: event.msgId, bits: event.bits, message });
      }
      case 'sub': {
        if (this.moderator.isIgnoredUser(event.user)) return this.drop('blocked_user');
        const message = this.moderator.cleanEventMessage(event.message);
        const tier = tierName(event.plan);
        return this.push({ kind: 'sub', text: withMessage(`${event.user.displayName} just subscribed (${tier}).`, message), user: inputUser(event.user), source: 'twitch', sourceMessageId: event.msgId, months: 1, tier, prime: event.prime, message });
      }
      case 'resub': {
        if (this.moderator.isIgnoredUser(event.user)) return this.drop('blocked_user');
        const message = this.moderator.cleanEventMessage(event.message);
        const tier = tierName(event.plan);
        return this.push({
          kind: 'resub',
          text: withMessage(`${event.user.displayName} resubscribed for ${event.months} months (${tier}).`, message),
          user: inputUser(event.user),
          source: 'twitch',
          sourceMessageId: event.msgId,
          months: event.months,
          streakMonths: event.streakMonths,
          tier,
          prime: event.prime,
          message,
        });
      }
      case 'subgift':
        if (event.gifter && this.moderator.isIgnoredUser(event.gifter)) return this.drop('blocked_user');
        if (!this.gifts.subgift(event.gifter, event.recipient, event.plan, event.groupId)) this.counters.giftsGrouped++;
        return;
      case 'submysterygift':
        if (event.gifter && this.moderator.isIgnoredUser(event.gifter)) return this.drop('blocked_user');
        this.gifts.mystery(event.gifter, event.count, event.plan, event.groupId);
        return;
      case 'mod_action':
        return this.onModAction(event);
      case 'raid': {
        if (this.moderator.isIgnoredUser(event.user)) return this.drop('blocked_user');
        return this.push({ kind: 'raid', text: `${event.user.displayName} is raiding with ${event.viewers} viewers!`, user: inputUser(event.user), source: 'twitch', sourceMessageId: event.msgId, viewers: event.viewers });
      }
    }
  }

  private onChat(event: Extract<TwitchEvent, { type: 'chat' }>): void {
    this.chat.noteArrival();
    const verdict = this.moderator.screen(event.user, event.text);
    if (!verdict.pass) return this.drop(verdict.reason);
    if (!this.moderator.allow(event.user.id, Date.now())) return this.drop('rate_limited');
    const kind = event.firstMessage ? 'first_chat' : 'chat';
    this.chat.offer({
      input: {
        kind,
        text: verdict.text,
        user: inputUser(event.user),
        source: 'twitch',
        sourceMessageId: event.msgId,
        login: event.user.login,
        command: verdict.command,
      },
    });
  }

  /** What a moderator removes from chat is not read out either: its queued inputs go too. */
  private onModAction(event: Extract<TwitchEvent, { type: 'mod_action' }>): void {
    const fromTwitchChat = (kind: string): boolean => kind === 'chat' || kind === 'first_chat' || kind === 'chat_batch';
    let removed: unknown[];
    if (event.action === 'delete') removed = this.input.remove((q) => q.source === 'twitch' && q.sourceMessageId === event.targetMsgId);
    else if (event.action === 'clear') removed = this.input.remove((q) => q.source === 'twitch' && fromTwitchChat(q.kind));
    else {
      const userId = `twitch:${event.targetUserId}`;
      removed = this.input.remove((q) => q.source === 'twitch' && q.user.id === userId);
      this.chat.forgetUser(userId);
    }
    if (removed.length) bump(this.counters.dropped, 'moderated', removed.length);
    this.log.info({ event: 'twitch.mod_action', action: event.action, removed: removed.length }, 'moderator action applied to queued inputs');
  }

  private pushGift(group: GiftGroup): void {
    const user = group.gifter ? inputUser(group.gifter) : ANONYMOUS;
    const tier = tierName(group.plan);
    const text = `${user.displayName} gifted ${group.count} ${tier} sub${group.count === 1 ? '' : 's'}${group.count === 1 && group.recipients[0] ? ` to ${group.recipients[0]}` : ''}!`;
    this.push({ kind: 'gift', text, user, source: 'twitch', count: group.count, tier, anonymous: group.gifter === undefined, recipients: group.recipients });
  }

  private push(item: NewInput): void {
    const refused = pushCounted(this.input, this.counters, item);
    if (refused) this.log.warn({ event: 'twitch.input_refused', kind: item.kind, code: refused.code }, 'input queue refused a Twitch event');
  }

  private drop(reason: string): void {
    bump(this.counters.dropped, reason);
  }
}
