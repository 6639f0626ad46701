import { z } from 'zod';
import { refusalReason } from './allow-list.ts';

const Name = z.string().min(1).max(256);

/** One OBS action. Names only (no UUIDs), so OBS 28/29 with obs-websocket 5.0 works. */
export const ObsActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scene'), name: Name }).strict(),
  z.object({ type: z.literal('source'), scene: Name, source: Name, visible: z.boolean().default(true) }).strict(),
  /** `text` may contain `{text}` (the segment or input text) and `{user}`; default `{text}`. */
  z.object({ type: z.literal('text'), source: Name, text: z.string().max(2000).default('{text}') }).strict(),
  z.object({ type: z.literal('filter'), source: Name, filter: Name, enabled: z.boolean().default(true) }).strict(),
  z.object({ type: z.literal('media'), source: Name, action: z.enum(['play', 'pause', 'stop', 'restart', 'next', 'previous']).default('restart') }).strict(),
]);
export type ObsAction = z.infer<typeof ObsActionSchema>;

const RuleBase = {
  action: ObsActionSchema,
  /** Undo the action after this many ms (filter/source toggled back, scene switched back, text cleared). */
  duration_ms: z.number().int().positive().max(3_600_000).optional(),
  /** Ignore new firings for this long after one. */
  cooldown_ms: z.number().int().min(0).max(3_600_000).default(0),
};

export const ObsTriggerSchema = z.discriminatedUnion('on', [
  z.object({ on: z.literal('emotion'), emotions: z.array(z.string().min(1)).min(1), ...RuleBase }).strict(),
  z.object({ on: z.literal('input'), kinds: z.array(z.string().min(1)).min(1).default(['donation']), ...RuleBase }).strict(),
  z.object({ on: z.literal('reply_segment'), ...RuleBase }).strict(),
  z.object({ on: z.literal('turn_end'), ...RuleBase }).strict(),
  /** Fires once after `idle_ms` without a turn; with `return_on_activity` the next turn undoes it. */
  z.object({ on: z.literal('idle'), idle_ms: z.number().int().min(1000).max(86_400_000), return_on_activity: z.boolean().default(true), ...RuleBase }).strict(),
]);
export type ObsTrigger = z.infer<typeof ObsTriggerSchema>;

const SceneSource = z.object({ scene: Name, source: Name }).strict();
const SourceFilter = z.object({ source: Name, filter: Name }).strict();

/** What may be touched at all, by REST, triggers and MCP. Everything else is refused. */
export const ObsAllowSchema = z
  .object({
    scenes: z.array(Name).default([]),
    sources: z.array(SceneSource).default([]),
    text_sources: z.array(Name).default([]),
    filters: z.array(SourceFilter).default([]),
    media: z.array(Name).default([]),
  })
  .strict();
export type ObsAllow = z.infer<typeof ObsAllowSchema>;

export const ObsConfigSchema = z
  .object({
    /** false keeps the plugin loaded but never connects (status `disabled`). */
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(4455),
    /** Prefer OBS_WEBSOCKET_PASSWORD in the environment or .env; it wins over this key. */
    password: z.string().optional(),
    connect_timeout_ms: z.number().int().positive().default(5000),
    request_timeout_ms: z.number().int().positive().default(3000),
    /** GetVersion every this many ms while connected; a failed check reconnects. */
    health_check_ms: z.number().int().min(1000).default(15_000),
    reconnect: z
      .object({
        initial_ms: z.number().int().positive().default(1000),
        max_ms: z.number().int().positive().default(30_000),
      })
      .strict()
      .prefault({}),
    allow: ObsAllowSchema.prefault({}),
    /** REST requests per second (and burst) for the admin token holder; more get 429. Callers without the token get 401, and 429 after 20 failures a minute per address. */
    rate_limit: z
      .object({
        per_second: z.number().positive().default(5),
        burst: z.number().int().positive().default(10),
      })
      .strict()
      .prefault({}),
    triggers: z.array(ObsTriggerSchema).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    // Rules are checked against the allow-list at startup, so a typo never waits for the show.
    cfg.triggers.forEach((rule, index) => {
      const reason = refusalReason(cfg.allow, rule.action);
      if (reason) ctx.addIssue({ code: 'custom', path: ['triggers', index, 'action'], message: `trigger rule ${index}: ${reason}` });
    });
  });
export type ObsConfig = z.infer<typeof ObsConfigSchema>;
