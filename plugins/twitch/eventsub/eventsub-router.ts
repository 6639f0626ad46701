import type { Logger } from 'pino';
import { bump, pushCounted } from '../../../src/chat/chat-counters.ts';
import type { ChatModerator } from '../../../src/chat/chat-moderator.ts';
import type { BusEvents } from '../../../src/core/bus-events.ts';
import type { InputUser } from '../../../src/core/input.ts';
import type { InputQueue, NewInput } from '../../../src/core/input-queue.ts';
import type { TwitchConfig } from '../config.ts';
import type { TwitchCounters } from '../counters.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * EventSub notifications (dev.twitch.tv/docs/eventsub/eventsub-subscription-types) to inputs:
 * `channel.follow` → `follow`; `channel.channel_points_custom_reward_redemption.add` → by the reward's
 * title, `react` (a `redemption` input the character answers, which OBS `on: input` rules with
 * `kinds: [redemption]` also see), `say` (the text spoken verbatim), `emotion` (shown at once) or `ignore`.
 * Every redemption is also announced on the bus (`redemption.received`) for OBS `on: redemption` rules.
 */
export class EventsubRouter {
  private readonly actions: Map<string, TwitchConfig['eventsub']['actions'][string]>;

  constructor(
    cfg: Readonly<TwitchConfig['eventsub']>,
    private readonly input: InputQueue,
    private readonly moderator: ChatModerator,
    private readonly counters: TwitchCounters,
    private readonly showEmotion: (name: string) => void,
    private readonly announce: (r: BusEvents['redemption.received']) => void,
    private readonly log: Logger,
  ) {
    this.actions = new Map(Object.entries(cfg.actions).map(([title, a]) => [title.toLowerCase(), a]));
  }

  handle(type: string, event: Record<string, unknown>, messageId: string): void {
    bump(this.counters.received, type);
    const who = { id: str(event.user_id), login: str(event.user_login).toLowerCase() };
    if (who.id && this.moderator.isIgnoredUser(who)) {
      bump(this.counters.dropped, 'blocked_user');
      return;
    }
    const user: InputUser = { id: `twitch:${who.id}`, displayName: str(event.user_name) || who.login, platform: 'twitch' };
    if (type === 'channel.follow') {
      this.push({ kind: 'follow', text: `${user.displayName} just followed!`, user, source: 'twitch', sourceMessageId: messageId, login: who.login });
      return;
    }
    if (type === 'channel.channel_points_custom_reward_redemption.add') {
      const reward = (typeof event.reward === 'object' && event.reward !== null ? event.reward : {}) as Record<string, unknown>;
      const title = str(reward.title);
      const cost = typeof reward.cost === 'number' ? reward.cost : 0;
      const action = this.actions.get(title.toLowerCase()) ?? { action: 'react' as const };
      const message = this.moderator.cleanEventMessage(str(event.user_input));
      this.log.info({ event: 'twitch.redemption', reward: title, action: action.action, user_id: who.id }, 'channel-points redemption');
      this.announce({ reward: title, user: user.displayName, message, cost, platform: 'twitch' });
      switch (action.action) {
        case 'ignore':
          bump(this.counters.dropped, 'redemption_ignored');
          return;
        case 'emotion':
          this.showEmotion(action.name);
          bump(this.counters.queued, 'redemption_emotion');
          return;
        case 'say':
          this.push({ kind: 'system', text: action.text, user: { id: 'system:redemption', displayName: 'Redemption', platform: 'system' }, source: 'twitch', sourceMessageId: messageId, verbatim: true, purpose: 'redemption' });
          return;
        case 'react':
          this.push({ kind: 'redemption', text: `${user.displayName} redeemed "${title}"${message ? `: ${message}` : '.'}`, user, source: 'twitch', sourceMessageId: messageId, reward: title, cost, message, redemptionId: str(event.id) });
          return;
      }
    }
    bump(this.counters.dropped, 'ignored_type');
  }

  private push(item: NewInput): void {
    const refused = pushCounted(this.input, this.counters, item);
    if (refused) this.log.warn({ event: 'twitch.input_refused', kind: item.kind, code: refused.code }, 'the input queue refused an EventSub event');
  }
}
