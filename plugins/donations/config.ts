import { z } from 'zod';
import { ChatModerationSchema } from '../../src/chat/moderation-schema.ts';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name');
const url = (protocols: RegExp, what: string) => z.string().url().regex(protocols, what);
const wsUrl = url(/^wss?:\/\//, 'a ws:// or wss:// URL');
const httpUrl = url(/^https?:\/\//, 'an http:// or https:// URL');

const Backoff = (initialMs: number, maxMs: number) =>
  z
    .object({
      initial_ms: z.number().int().positive().default(initialMs),
      max_ms: z.number().int().positive().default(maxMs),
      factor: z.number().min(1).default(2),
      jitter: z.number().min(0).max(1).default(0.2),
    })
    .strict()
    .prefault({});

/** `plugins.donations.streamelements`: the Astro websocket gateway, topic `channel.tips`. */
const StreamElementsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Env var with a JWT, OAuth2 access token or API key that has the `tips:read` scope. */
    token_env: envName.default('STREAMELEMENTS_TOKEN'),
    /** What kind of token `token_env` holds (Astro's `token_type`). */
    token_type: z.enum(['jwt', 'oauth', 'apikey']).default('jwt'),
    /** Channel id to follow; empty: the channel the token belongs to. */
    channel_id: z.string().max(100).default(''),
    url: wsUrl.default('wss://astro.streamelements.com'),
  })
  .strict();

/** `plugins.donations.streamlabs`: the Socket API (socket.io 2, `event` messages of type `donation`). */
const StreamlabsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Env var with the Socket API token (Streamlabs dashboard → Settings → API settings → API tokens). */
    token_env: envName.default('STREAMLABS_SOCKET_TOKEN'),
    url: httpUrl.default('https://sockets.streamlabs.com'),
  })
  .strict();

/** `plugins.donations.donationalerts`: OAuth REST + the Centrifugo websocket, channel `$alerts:donation_<id>`. */
const DonationAlertsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Env var with an OAuth access token with the scopes `oauth-user-show oauth-donation-subscribe`. */
    token_env: envName.default('DONATIONALERTS_ACCESS_TOKEN'),
    api_base: httpUrl.default('https://www.donationalerts.com/api/v1'),
    url: wsUrl.default('wss://centrifugo.donationalerts.com/connection/websocket'),
  })
  .strict();

/** `plugins.donations` in conf.yaml. Secrets never live here: only the names of the env vars that hold them. */
export const DonationsConfigSchema = z
  .object({
    streamelements: StreamElementsSchema.prefault({}),
    streamlabs: StreamlabsSchema.prefault({}),
    donationalerts: DonationAlertsSchema.prefault({}),
    /** Test alerts sent from a service's dashboard become inputs too (handy while setting up). */
    accept_test_events: z.boolean().default(false),
    /** Shown instead of a donor's name when the service gives none or it holds a blocked word. */
    anonymous_name: z.string().trim().min(1).max(50).default('Someone'),
    /** Donation ids remembered per service, so a donation sent again (also after a reconnect) is one input. */
    dedupe_ids: z.number().int().min(100).max(1_000_000).default(10_000),
    /** After a dropped connection or a failed request: reconnect with this backoff. */
    reconnect: Backoff(2_000, 60_000),
    /** After a rejected token: try again this slowly (a bad token does not fix itself). */
    auth_retry: Backoff(600_000, 3_600_000),
    /** A websocket ping this often; no pong before the next one means the connection is dead. */
    ping_interval_ms: z.number().int().min(100).default(25_000),
    /** A connection (handshake, login, subscription) not finished within this time is retried. */
    connect_timeout_ms: z.number().int().positive().default(15_000),
    /** The same rules as chat: blocked words blank the message, blocked users are ignored. */
    moderation: ChatModerationSchema.prefault({}),
  })
  .strict();

export type DonationsConfig = z.infer<typeof DonationsConfigSchema>;
export type BackoffConfig = DonationsConfig['reconnect'];
export type ServiceName = 'streamelements' | 'streamlabs' | 'donationalerts';
export const SERVICE_NAMES: readonly ServiceName[] = Object.freeze(['streamelements', 'streamlabs', 'donationalerts']);
