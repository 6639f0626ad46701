import type { Logger } from 'pino';
import type { BusEvents } from '../../src/core/bus-events.ts';
import type { TwitchConfig } from './config.ts';
import type { TwitchCounters } from './counters.ts';

/** Strips the tags the agent may leave in text ([emotion:happy], [motion:wave]). */
function plainText(text: string): string {
  return text
    .replace(/\[(?:emotion|motion|expression)\s*:[^\]]*\]/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Posts the character's finished replies to chat through the bot account, within Twitch's
 * message limit (a sliding window); replies over the limit are skipped, never queued.
 */
export class ChatReplier {
  private readonly sentAt: number[] = [];

  constructor(
    private readonly cfg: TwitchConfig['replies'],
    private readonly send: (text: string) => Promise<boolean>,
    private readonly counters: TwitchCounters,
    private readonly log: Logger,
  ) {}

  onReplyDone(done: BusEvents['agent.reply_done']): void {
    if (!this.cfg.enabled) return;
    if (this.cfg.twitch_inputs_only && done.input.user.platform !== 'twitch') return;
    const said = plainText(done.interrupted ? done.heardText : done.replyText);
    if (!said) return;
    const now = Date.now();
    while (this.sentAt.length > 0 && now - (this.sentAt[0] as number) >= this.cfg.window_ms) this.sentAt.shift();
    if (this.sentAt.length >= this.cfg.max_messages) {
      this.counters.repliesSkipped++;
      this.log.debug({ event: 'twitch.reply_rate_limited', turn_id: done.turnId }, 'chat reply skipped: rate limit');
      return;
    }
    const login = done.input.kind === 'chat' || done.input.kind === 'first_chat' ? done.input.login : undefined;
    const prefix = login ? `@${login} ` : '';
    const max = this.cfg.max_length - prefix.length;
    const body = said.length > max ? `${said.slice(0, max - 1)}…` : said;
    this.sentAt.push(now);
    this.send(prefix + body).then(
      (sent) => {
        if (sent) this.counters.repliesSent++;
        else this.counters.repliesSkipped++;
      },
      (err: unknown) => {
        this.counters.repliesSkipped++;
        this.log.warn({ event: 'twitch.reply_failed', turn_id: done.turnId, err: String(err) }, 'posting the reply to chat failed');
      },
    );
  }
}
