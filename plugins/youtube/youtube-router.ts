import type { Logger } from 'pino';
import { bump, pushCounted, type ChatCounters } from '../../src/chat/chat-counters.ts';
import { ChatFlow } from '../../src/chat/chat-flow.ts';
import type { ChatAuthor, ChatModerator } from '../../src/chat/chat-moderator.ts';
import { RecentIds } from '../../src/chat/recent-ids.ts';
import type { InputUser } from '../../src/core/input.ts';
import type { InputQueue, NewInput } from '../../src/core/input-queue.ts';
import type { YoutubeConfig } from './config.ts';
import type { LiveChatMessage } from './youtube-api.ts';

const SOURCE = 'youtube';
const YOUTUBE_CHAT = Object.freeze({ source: SOURCE, room: Object.freeze({ id: 'youtube:chat', displayName: 'YouTube chat', platform: 'youtube' as const }) });

type Author = NonNullable<LiveChatMessage['authorDetails']>;

const inputUser = (a: Author): InputUser => ({ id: `youtube:${a.channelId}`, displayName: a.displayName || a.channelId, platform: 'youtube' });
/** Moderation matches YouTube handles and channel ids the way it matches Twitch logins and ids. */
const author = (a: Author): ChatAuthor => ({ id: a.channelId, login: a.displayName.replace(/^@/, '').toLowerCase() });
const withMessage = (line: string, message: string): string => (message ? `${line} They said: ${message}` : line);
const money = (micros: number): number => Math.round(micros / 10_000) / 100;

/**
 * Turns live chat messages into inputs with the same moderation, dedupe and flood batching as Twitch
 * chat: text messages, Super Chats and Super Stickers (`super_chat`, amount and currency), new members
 * and milestones (`membership`), gifted memberships (`gift`); deleted messages and banned viewers are
 * taken back out of the queue.
 */
export class YoutubeRouter {
  private readonly seen = new RecentIds(20_000);
  readonly chat: ChatFlow;
  private readonly startedAt = Date.now();
  backlogSkipped = 0;

  constructor(
    private readonly cfg: Readonly<YoutubeConfig>,
    private readonly input: InputQueue,
    private readonly moderator: ChatModerator,
    private readonly counters: ChatCounters,
    private readonly log: Logger,
  ) {
    this.chat = new ChatFlow(YOUTUBE_CHAT, cfg.moderation, input, counters, log);
  }

  dispose(): void {
    this.chat.dispose();
  }

  /**
   * One page, oldest first. The first page of a chat holds its history: what was said before the plugin
   * started is only remembered, not answered (a chat found again later is answered from our start on).
   */
  page(items: readonly LiveChatMessage[], backlog: boolean): void {
    for (const m of items) {
      if (this.seen.seen(m.id)) {
        bump(this.counters.dropped, 'duplicate');
        continue;
      }
      const published = m.snippet.publishedAt ? Date.parse(m.snippet.publishedAt) : Number.NaN;
      if (backlog && this.cfg.skip_backlog && !(published >= this.startedAt)) {
        this.backlogSkipped++;
        continue;
      }
      this.handle(m);
    }
  }

  private handle(m: LiveChatMessage): void {
    const s = m.snippet;
    bump(this.counters.received, s.type);
    const a = m.authorDetails;
    if (s.type === 'messageDeletedEvent' && s.messageDeletedDetails) {
      const removed = this.input.remove((q) => q.source === SOURCE && q.sourceMessageId === s.messageDeletedDetails?.deletedMessageId, 'superseded');
      if (removed.length) bump(this.counters.dropped, 'deleted', removed.length);
      return;
    }
    if (s.type === 'userBannedEvent' && s.userBannedDetails) {
      const userId = `youtube:${s.userBannedDetails.bannedUserDetails.channelId}`;
      const removed = this.input.remove((q) => q.source === SOURCE && q.user.id === userId, 'superseded');
      this.chat.forgetUser(userId);
      if (removed.length) bump(this.counters.dropped, 'banned', removed.length);
      return;
    }
    if (!a) return this.drop('no_author');
    if (this.moderator.isIgnoredUser(author(a))) return this.drop('blocked_user');
    const base = { user: inputUser(a), source: SOURCE, sourceMessageId: m.id };
    switch (s.type) {
      case 'textMessageEvent':
        return this.onText(m, a);
      case 'superChatEvent': {
        const d = s.superChatDetails;
        if (!d) return this.drop('malformed');
        const message = this.moderator.cleanEventMessage(d.userComment);
        const shown = d.amountDisplayString || `${money(d.amountMicros)} ${d.currency}`;
        return this.push({ ...base, kind: 'super_chat', text: withMessage(`${a.displayName} sent a Super Chat of ${shown}.`, message), amount: money(d.amountMicros), currency: d.currency, message, donationId: m.id, ...(d.tier !== undefined ? { tier: d.tier } : {}) });
      }
      case 'superStickerEvent': {
        const d = s.superStickerDetails;
        if (!d) return this.drop('malformed');
        const sticker = this.moderator.cleanEventMessage(d.superStickerMetadata?.altText ?? '');
        const shown = d.amountDisplayString || `${money(d.amountMicros)} ${d.currency}`;
        return this.push({ ...base, kind: 'super_chat', text: `${a.displayName} sent a Super Sticker${sticker ? ` (${sticker})` : ''} for ${shown}.`, amount: money(d.amountMicros), currency: d.currency, sticker, donationId: m.id, ...(d.tier !== undefined ? { tier: d.tier } : {}) });
      }
      case 'newSponsorEvent': {
        const d = s.newSponsorDetails;
        const level = d?.memberLevelName ?? '';
        return this.push({ ...base, kind: 'membership', text: `${a.displayName} ${d?.isUpgrade ? 'upgraded their membership' : 'just became a member'}${level ? ` (${level})` : ''}!`, ...(level ? { level } : {}), upgrade: d?.isUpgrade ?? false });
      }
      case 'memberMilestoneChatEvent': {
        const d = s.memberMilestoneChatDetails;
        if (!d) return this.drop('malformed');
        const message = this.moderator.cleanEventMessage(d.userComment);
        return this.push({ ...base, kind: 'membership', text: withMessage(`${a.displayName} has been a member for ${d.memberMonth} months.`, message), ...(d.memberLevelName ? { level: d.memberLevelName } : {}), months: d.memberMonth, message });
      }
      case 'membershipGiftingEvent': {
        const d = s.membershipGiftingDetails;
        if (!d) return this.drop('malformed');
        return this.push({ ...base, kind: 'gift', text: `${a.displayName} gifted ${d.giftMembershipsCount} memberships to the community!`, count: d.giftMembershipsCount, ...(d.giftMembershipsLevelName ? { tier: d.giftMembershipsLevelName } : {}) });
      }
      default:
        // giftMembershipReceivedEvent, pollEvent, chatEndedEvent, sponsorOnlyMode…: nothing to answer.
        return this.drop('ignored_type');
    }
  }

  private onText(m: LiveChatMessage, a: Author): void {
    this.chat.noteArrival();
    const raw = m.snippet.textMessageDetails?.messageText ?? m.snippet.displayMessage;
    const verdict = this.moderator.screen(author(a), raw);
    if (!verdict.pass) return this.drop(verdict.reason);
    const user = inputUser(a);
    if (!this.moderator.allow(user.id, performance.now())) return this.drop('rate_limited');
    this.chat.offer({ input: { kind: 'chat', text: verdict.text, user, source: SOURCE, sourceMessageId: m.id, login: author(a).login, ...(verdict.command ? { command: verdict.command } : {}) } });
  }

  private push(item: NewInput): void {
    const refused = pushCounted(this.input, this.counters, item);
    if (refused) this.log.warn({ event: 'youtube.input_refused', kind: item.kind, code: refused.code }, 'the input queue refused a YouTube event');
  }

  private drop(reason: string): void {
    bump(this.counters.dropped, reason);
  }
}
