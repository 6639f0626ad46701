import { z } from 'zod';
import { ChatModerationSchema } from '../../src/chat/moderation-schema.ts';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name');

/** `plugins.youtube` in conf.yaml. Secrets never live here: only the names of the env vars holding them. */
export const YoutubeConfigSchema = z
  .object({
    /** Env var with a YouTube Data API key (reads public live chat; `channel_id` or `video_id` needed). */
    api_key_env: envName.default('YOUTUBE_API_KEY'),
    /** Env var with an OAuth 2.0 access token (finds your own active broadcast by itself). */
    oauth_token_env: envName.default('YOUTUBE_OAUTH_TOKEN'),
    /** Env var with the OAuth client id; with the secret and a refresh token the plugin gets its own access tokens. */
    client_id_env: envName.default('YOUTUBE_CLIENT_ID'),
    /** Env var with the OAuth client secret. */
    client_secret_env: envName.default('YOUTUBE_CLIENT_SECRET'),
    /** Env var with an OAuth refresh token (offline access, scope `youtube.readonly`). */
    refresh_token_env: envName.default('YOUTUBE_REFRESH_TOKEN'),
    /** Google's OAuth 2.0 token endpoint; change only for tests or a proxy. */
    token_url: z.string().url().default('https://oauth2.googleapis.com/token'),
    /** The live video to follow. Empty: found from `channel_id` (API key) or your broadcasts (OAuth). */
    video_id: z.union([z.string().regex(/^[A-Za-z0-9_-]{11}$/, 'an 11-character YouTube video id'), z.literal('')]).default(''),
    /** The channel whose live stream to follow (`UC…`); used with an API key when `video_id` is empty. */
    channel_id: z.union([z.string().regex(/^UC[A-Za-z0-9_-]{22}$/, 'a channel id starting with UC'), z.literal('')]).default(''),
    /** The API's base URL; change only for tests or a proxy. */
    api_base: z.string().url().default('https://www.googleapis.com/youtube/v3'),
    /** Never poll faster than this, whatever `pollingIntervalMillis` says. */
    min_poll_ms: z.number().int().min(100).default(1_000),
    /** Messages per page (the API accepts 200–2000). */
    max_results: z.number().int().min(200).max(2000).default(500),
    /** No live stream yet: look again this often (a channel search costs 100 quota units). */
    find_interval_ms: z.number().int().positive().default(120_000),
    /** After `quotaExceeded`: try again this much later (quota resets at midnight Pacific time). */
    quota_retry_ms: z.number().int().positive().default(900_000),
    /** After a rejected key or token: try again this much later (it will not fix itself). */
    auth_retry_ms: z.number().int().positive().default(600_000),
    /** Network errors and 5xx: backoff. */
    retry: z
      .object({ initial_ms: z.number().int().positive().default(2_000), max_ms: z.number().int().positive().default(60_000) })
      .strict()
      .prefault({}),
    /** A request that takes longer fails and is retried. */
    request_timeout_ms: z.number().int().positive().default(10_000),
    /** Chat already in the stream when the plugin starts is history, not something to answer. */
    skip_backlog: z.boolean().default(true),
    /** Same rules as Twitch chat: bots, blocked words and users, commands, per-viewer limits, flood batching. */
    moderation: ChatModerationSchema.prefault({}),
  })
  .strict();

export type YoutubeConfig = z.infer<typeof YoutubeConfigSchema>;
