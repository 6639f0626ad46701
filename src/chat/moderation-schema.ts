import { z } from 'zod';

const login = z.string().regex(/^[a-zA-Z0-9_]{1,25}$/, 'a login name');

/**
 * The moderators' rules for live chat, shared by every chat platform plugin (Twitch, YouTube...):
 * `plugins.<name>.moderation` in conf.yaml.
 */
export const ChatModerationSchema = z
  .object({
    /** Longer chat messages are cut to this many characters. */
    max_message_length: z.number().int().min(10).max(2000).default(300),
    /** Messages containing any of these words (case-insensitive, whole words) are dropped. */
    blocked_words: z.array(z.string().min(1)).default([]),
    /** Logins or numeric user ids whose chat and events are ignored. */
    blocked_users: z.array(z.string().min(1)).default([]),
    /** Other bots, by login; their messages are ignored. */
    ignored_bots: z.array(login).default(['nightbot', 'streamelements', 'streamlabs', 'moobot', 'fossabot', 'wizebot', 'soundalerts']),
    /** Messages starting with this are commands. */
    command_prefix: z.string().min(1).max(3).default('!'),
    /** Commands whose argument is passed to the character as chat (`!ask what is your name`). */
    ask_commands: z.array(z.string().regex(/^[a-z0-9_]+$/)).default(['ask']),
    /** What to do with every other command: drop it or pass it on as chat. */
    other_commands: z.enum(['ignore', 'pass']).default('ignore'),
    /** Only `ask_commands` reach the character (busy channels). */
    ask_only: z.boolean().default(false),
    /** Each viewer may send at most `per_user_messages` chat lines to the character per `per_user_window_ms`. */
    per_user_messages: z.number().int().positive().default(3),
    per_user_window_ms: z.number().int().positive().default(30_000),
    /** More than `flood_threshold` chat lines within `flood_window_ms` switch to flood mode (batching). */
    flood_threshold: z.number().int().positive().default(10),
    flood_window_ms: z.number().int().positive().default(10_000),
    /** In flood mode, one `chat_batch` input summarizes chat at most this often. */
    batch_interval_ms: z.number().int().positive().default(8_000),
    /** Messages kept as a sample in a batch. */
    batch_sample_size: z.number().int().min(1).max(50).default(8),
    /** Most single chat inputs from Twitch waiting in the input queue; the oldest goes first. */
    max_queued_chat: z.number().int().min(1).max(64).default(4),
  })
  .strict();

export type ChatModerationConfig = z.infer<typeof ChatModerationSchema>;
