import { z } from 'zod';
import { INPUT_KIND_NAMES, type InputKind } from '../../src/core/input.ts';
import { refusalReason } from './allow-list.ts';
import { inputFields, REDEMPTION_FIELDS, SEGMENT_FIELDS, STAGE_FIELDS, templateFields } from './template-vars.ts';

const INPUT_KINDS = INPUT_KIND_NAMES as readonly InputKind[] as [InputKind, ...InputKind[]];

const Name = z.string().min(1).max(256);

/** One OBS action. Names only (no UUIDs), so OBS 28/29 with obs-websocket 5.0 works. */
export const ObsActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scene'), name: Name }).strict(),
  z.object({ type: z.literal('source'), scene: Name, source: Name, visible: z.boolean().default(true) }).strict(),
  /** `text` may contain the event's fields as `{field}` (`{text}`, `{user}`, `{amount}`...); default `{text}`. */
  z.object({ type: z.literal('text'), source: Name, text: z.string().max(2000).default('{text}') }).strict(),
  z.object({ type: z.literal('filter'), source: Name, filter: Name, enabled: z.boolean().default(true) }).strict(),
  z.object({ type: z.literal('media'), source: Name, action: z.enum(['play', 'pause', 'stop', 'restart', 'next', 'previous']).default('restart') }).strict(),
  /** Makes `name` the transition used for scene switches, optionally with a new duration (50-20000 ms, OBS's range). */
  z.object({ type: z.literal('transition'), name: Name, duration_ms: z.number().int().min(50).max(20_000).optional() }).strict(),
  z.object({ type: z.literal('record'), action: z.enum(['start', 'stop']) }).strict(),
  z.object({ type: z.literal('stream'), action: z.enum(['start', 'stop']) }).strict(),
  /** Moves, turns or scales a source in a scene; fields left out keep their value. */
  z
    .object({
      type: z.literal('transform'),
      scene: Name,
      source: Name,
      x: z.number().finite().optional(),
      y: z.number().finite().optional(),
      rotation: z.number().min(-360).max(360).optional(),
      scale_x: z.number().positive().max(100).optional(),
      scale_y: z.number().positive().max(100).optional(),
    })
    .strict()
    .refine((t) => [t.x, t.y, t.rotation, t.scale_x, t.scale_y].some((v) => v !== undefined), { message: 'a transform needs at least one of x, y, rotation, scale_x, scale_y' }),
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
  /** A reply segment with one of these emotions, or the emotion set from MCP `set_emotion`/admin. */
  z.object({ on: z.literal('emotion'), emotions: z.array(z.string().min(1)).min(1), ...RuleBase }).strict(),
  z.object({ on: z.literal('input'), kinds: z.array(z.enum(INPUT_KINDS)).min(1).default(['donation']), ...RuleBase }).strict(),
  /** A `[stage: hype]` cue in a reply, when the segment it precedes starts. */
  z.object({ on: z.literal('stage'), cues: z.array(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/)).min(1), ...RuleBase }).strict(),
  /** A channel-points reward redeemed (Twitch EventSub), by its title (case-insensitive). */
  z.object({ on: z.literal('redemption'), rewards: z.array(z.string().min(1).max(100)).min(1), ...RuleBase }).strict(),
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
    /** Transitions that may be made current (scene switches then use them). */
    transitions: z.array(Name).default([]),
    /** Sources that may be moved, turned or scaled. */
    transforms: z.array(SceneSource).default([]),
    /** Starting and stopping the recording or the stream: off unless the streamer opts in. */
    recording: z.boolean().default(false),
    streaming: z.boolean().default(false),
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
        /** Ceiling once OBS has answered in this run (a restart or a freeze, not an OBS that was never there). */
        known_up_max_ms: z.number().int().positive().default(5000),
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
      if (rule.action.type !== 'text') return;
      const known = fieldsOf(rule);
      for (const field of templateFields(rule.action.text)) {
        if (!known.includes(field)) {
          ctx.addIssue({ code: 'custom', path: ['triggers', index, 'action', 'text'], message: `trigger rule ${index}: {${field}} is not a field of "${rule.on}" events; use ${known.map((f) => `{${f}}`).join(', ') || 'no fields'}` });
        }
      }
    });
  });
export type ObsConfig = z.infer<typeof ObsConfigSchema>;

/** The template fields a rule's events carry. */
function fieldsOf(rule: ObsTrigger): readonly string[] {
  switch (rule.on) {
    case 'emotion':
    case 'reply_segment':
      return SEGMENT_FIELDS;
    case 'input':
      return inputFields(rule.kinds);
    case 'stage':
      return STAGE_FIELDS;
    case 'redemption':
      return REDEMPTION_FIELDS;
    case 'turn_end':
    case 'idle':
      return [];
  }
}
