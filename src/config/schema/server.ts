import { z } from 'zod';

export const ServerConfigSchema = z
  .object({
    /**
     * Browser origins allowed to call the HTTP API cross-origin (the page itself is same-origin):
     * exact origins such as `http://localhost:5173`, or `*` for any (never for /admin routes).
     * Empty = same origin only.
     */
    cors_origins: z.array(z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'an origin like http://localhost:5173 (scheme and host, no path), or *')).default([]),
    /**
     * When websocket clients need a token to send input: `auto` = only when listening on a
     * non-loopback address; `always` = also on loopback (use this behind a tunnel or reverse proxy,
     * where every connection looks local).
     */
    input_auth: z.enum(['auto', 'always']).default('auto'),
    /** Largest HTTP body accepted by JSON routes, in bytes. */
    body_limit_bytes: z.number().int().positive().default(1_048_576),
    ws: z
      .object({
        /** Largest websocket message (text or binary); bigger ones close the socket with 1009. */
        max_message_bytes: z.number().int().min(1024).default(262_144),
        /** Text messages per second per connection (token bucket refill rate). */
        messages_per_second: z.number().positive().default(50),
        /** Text messages a connection may send in a burst. */
        message_burst: z.number().int().positive().default(200),
        /** Binary audio frames per second per connection. */
        audio_frames_per_second: z.number().positive().default(400),
        /** A connection breaking the rate limit this many times in a row is closed (1008). */
        max_violations: z.number().int().positive().default(500),
        /** Interval of server pings that detect dead connections, in ms. */
        heartbeat_ms: z.number().int().min(1000).default(30_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ServerConfig = z.infer<typeof ServerConfigSchema>;
