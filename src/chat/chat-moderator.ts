import type { ChatModerationConfig } from './moderation-schema.ts';

/** Who wrote a chat line, as moderation sees it: a stable id and a lower-case login (or handle). */
export interface ChatAuthor {
  id: string;
  login: string;
}

export type DropReason = 'bot' | 'blocked_user' | 'blocked_word' | 'command' | 'not_ask' | 'rate_limited' | 'empty';

export type ChatVerdict = { pass: true; text: string; command: string | undefined } | { pass: false; reason: DropReason };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The moderators' rules for what reaches the character, for every chat platform: bots and blocked users are ignored, blocked
 * words drop the line, commands are handled or ignored, long lines are cut, and each viewer gets a
 * sliding-window rate limit.
 */
export class ChatModerator {
  private readonly blockedUsers: Set<string>;
  private readonly bots: Set<string>;
  private readonly wordPattern: RegExp | undefined;
  private readonly ask: Set<string>;
  /** userId → timestamps of recent accepted lines (bounded by per_user_messages). */
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly cfg: ChatModerationConfig) {
    this.blockedUsers = new Set(cfg.blocked_users.map((u) => u.toLowerCase()));
    this.bots = new Set(cfg.ignored_bots.map((u) => u.toLowerCase()));
    this.ask = new Set(cfg.ask_commands);
    const words = cfg.blocked_words.map((w) => w.trim()).filter(Boolean);
    // Whole words, case-insensitive; \p{L} boundaries so "class" does not match "ass".
    this.wordPattern = words.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'iu') : undefined;
  }

  /** True for bots and blocked users: nothing of theirs reaches the character. */
  isIgnoredUser(user: ChatAuthor): boolean {
    return this.bots.has(user.login) || this.blockedUsers.has(user.login) || this.blockedUsers.has(user.id);
  }

  isBot(user: ChatAuthor): boolean {
    return this.bots.has(user.login);
  }

  hasBlockedWord(text: string): boolean {
    return this.wordPattern !== undefined && this.wordPattern.test(text);
  }

  /** Cuts a line to the maximum length at a word boundary when possible. */
  clip(text: string, max: number = this.cfg.max_message_length): string {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean.length <= max) return clean;
    const cut = clean.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
  }

  /** A viewer's own words attached to an event (sub message, cheer, donation): '' when blocked. */
  cleanEventMessage(text: string): string {
    const clipped = this.clip(text);
    return this.hasBlockedWord(clipped) ? '' : clipped;
  }

  /** Content rules for one chat line (no rate limit). */
  screen(user: ChatAuthor, raw: string): ChatVerdict {
    if (this.isBot(user)) return { pass: false, reason: 'bot' };
    if (this.isIgnoredUser(user)) return { pass: false, reason: 'blocked_user' };
    let text = raw.trim();
    let command: string | undefined;
    const prefix = this.cfg.command_prefix;
    if (text.startsWith(prefix)) {
      const match = /^(\S+)\s*([\s\S]*)$/.exec(text.slice(prefix.length));
      const name = (match?.[1] ?? '').toLowerCase();
      if (this.ask.has(name)) {
        command = name;
        text = match?.[2] ?? '';
      } else if (this.cfg.other_commands === 'ignore' || this.cfg.ask_only) {
        return { pass: false, reason: 'command' };
      } else {
        command = name;
      }
    } else if (this.cfg.ask_only) {
      return { pass: false, reason: 'not_ask' };
    }
    if (this.hasBlockedWord(text)) return { pass: false, reason: 'blocked_word' };
    const clipped = this.clip(text);
    if (!clipped) return { pass: false, reason: 'empty' };
    return { pass: true, text: clipped, command };
  }

  /** Sliding-window limit per viewer; records the line when it is allowed. */
  allow(userId: string, now: number): boolean {
    const limit = this.cfg.per_user_messages;
    const windowMs = this.cfg.per_user_window_ms;
    let times = this.recent.get(userId);
    if (!times) {
      if (this.recent.size >= 10_000) this.prune(now);
      times = [];
      this.recent.set(userId, times);
    }
    while (times.length > 0 && now - (times[0] as number) >= windowMs) times.shift();
    if (times.length >= limit) return false;
    times.push(now);
    return true;
  }

  private prune(now: number): void {
    for (const [id, times] of this.recent) {
      const last = times[times.length - 1];
      if (last === undefined || now - last >= this.cfg.per_user_window_ms) this.recent.delete(id);
    }
    // Still full (a huge raid of distinct viewers): forget the oldest half.
    if (this.recent.size >= 10_000) {
      let n = this.recent.size / 2;
      for (const id of this.recent.keys()) {
        if (n-- <= 0) break;
        this.recent.delete(id);
      }
    }
  }
}
