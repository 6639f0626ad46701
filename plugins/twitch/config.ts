import { z } from 'zod';
import { ChatModerationSchema } from '../../src/chat/moderation-schema.ts';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name');
const login = z.string().regex(/^[a-zA-Z0-9_]{1,25}$/, 'a Twitch login name');

const BackoffSchema = z
  .object({
    initial_ms: z.number().int().positive().default(1_000),
    max_ms: z.number().int().positive().default(60_000),
    factor: z.number().min(1).default(2),
    /** Share (0..1) of each delay that is randomized so many bots do not reconnect in lockstep. */
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .strict();

/** `plugins.twitch` in conf.yaml. Secrets never live here: only the names of the env vars holding them. */
export const TwitchConfigSchema = z
  .object({
    /** Channel to join (login name, without `#`). Empty: no chat connection, donations only. */
    channel: z.union([login, z.literal('')]).default(''),
    /** Bot account login; `TWITCH_BOT_USERNAME` in the environment wins. Needed with a token. */
    bot_username: z.union([login, z.literal('')]).default(''),
    /** Env var holding the bot's OAuth token (`oauth:...`). Unset: anonymous, read-only. */
    oauth_token_env: envName.default('TWITCH_OAUTH_TOKEN'),
    /** IRC-over-websocket server; change only for tests or proxies. */
    server: z
      .object({
        host: z.string().min(1).default('irc-ws.chat.twitch.tv'),
        port: z.number().int().min(1).max(65535).default(443),
        secure: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** A connection that shows no welcome within this time is dropped and retried. */
    connect_timeout_ms: z.number().int().positive().default(10_000),
    /** Reconnect backoff after a dropped connection. */
    reconnect: BackoffSchema.prefault({}),
    /** Retry backoff after the token was rejected (slow: a bad token will not fix itself). */
    auth_retry: BackoffSchema.prefault({ initial_ms: 60_000, max_ms: 900_000 }),
    moderation: ChatModerationSchema.prefault({}),
    /** Gift subs by one gifter within this window become one `gift` input. */
    gift_window_ms: z.number().int().positive().default(2_000),
    /** Cheers below this many bits are treated as chat. */
    min_bits: z.number().int().min(1).default(1),
    /** The bot posts the character's replies to chat (needs a token). */
    replies: z
      .object({
        enabled: z.boolean().default(false),
        /** Only replies to inputs that came from Twitch are posted. */
        twitch_inputs_only: z.boolean().default(true),
        /** Twitch allows 20 messages per 30 s for a normal bot account. */
        max_messages: z.number().int().positive().default(15),
        window_ms: z.number().int().positive().default(30_000),
        max_length: z.number().int().min(20).max(500).default(450),
      })
      .strict()
      .prefault({}),
    /** Follows and channel-point redemptions over EventSub (websocket transport), beside IRC. */
    eventsub: z
      .object({
        enabled: z.boolean().default(false),
        /** Numeric user id of the channel (Twitch's `broadcaster_user_id`). */
        broadcaster_id: z.union([z.string().regex(/^\d{1,20}$/, 'a numeric Twitch user id'), z.literal('')]).default(''),
        /** Env var with the app's Client-Id, and one with a user access token of the broadcaster (or a
         * moderator) with scopes `moderator:read:followers` and `channel:read:redemptions`. */
        client_id_env: envName.default('TWITCH_CLIENT_ID'),
        token_env: envName.default('TWITCH_EVENTSUB_TOKEN'),
        url: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL').default('wss://eventsub.wss.twitch.tv/ws'),
        helix_url: z.string().url().default('https://api.twitch.tv/helix'),
        follows: z.boolean().default(true),
        redemptions: z.boolean().default(true),
        /** Redemption title (exact, case-insensitive) → what happens. Unlisted titles: the character reacts. */
        actions: z
          .record(
            z.string().min(1).max(45),
            z.union([
              z.object({ action: z.literal('react') }).strict(),
              z.object({ action: z.literal('say'), text: z.string().min(1).max(500) }).strict(),
              z.object({ action: z.literal('emotion'), name: z.string().regex(/^[a-z0-9_-]{1,32}$/) }).strict(),
              z.object({ action: z.literal('ignore') }).strict(),
            ]),
          )
          .default({}),
        reconnect: BackoffSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    donations: z
      .object({
        /** Env var holding the shared HMAC secret; the webhook answers 503 while it is unset. */
        secret_env: envName.default('TWITCH_DONATION_SECRET'),
        /** Requests whose timestamp is further than this from now are refused (replay window). */
        tolerance_s: z.number().int().positive().default(300),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type TwitchConfig = z.infer<typeof TwitchConfigSchema>;
export type BackoffConfig = z.infer<typeof BackoffSchema>;
