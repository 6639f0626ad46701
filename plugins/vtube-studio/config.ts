import { z } from 'zod';

/** What an emotion or motion tag does in VTube Studio: trigger a hotkey, or switch an expression on. */
const ActionSchema = z.union([
  z.object({ hotkey: z.string().min(1).max(200) }).strict(),
  z.object({ expression: z.string().regex(/\.exp3\.json$/, 'an expression file name ending in .exp3.json') }).strict(),
]);

const BackoffSchema = z
  .object({
    initial_ms: z.number().int().positive().default(1_000),
    max_ms: z.number().int().positive().default(30_000),
    factor: z.number().min(1).default(2),
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .strict();

const tagName = z.string().regex(/^[a-z0-9_-]{1,40}$/, 'a lower-case tag name (letters, digits, _ or -)');

/** `plugins.vtube-studio` in conf.yaml. */
export const VtsConfigSchema = z
  .object({
    /** VTube Studio's API websocket (Settings → "Start API"); 8001 is its default port. */
    url: z.string().regex(/^wss?:\/\/[^\s/]+(\/\S*)?$/, 'a ws:// or wss:// URL').default('ws://127.0.0.1:8001'),
    /** Shown in VTube Studio's "Allow plugin?" popup; 3–32 characters each (VTS refuses others). */
    plugin_name: z.string().min(3).max(32).default('VTuber Engine'),
    plugin_developer: z.string().min(3).max(32).default('vtuber-engine'),
    /** Where the token VTube Studio grants is kept, relative to DATA_DIR. */
    token_file: z.string().min(1).default('vtube-studio-token.json'),
    /** A request that gets no answer within this time fails (the popup wait uses `allow_timeout_ms`). */
    request_timeout_ms: z.number().int().positive().default(5_000),
    /** How long to wait for the streamer to click "Allow" before asking again. */
    allow_timeout_ms: z.number().int().positive().default(120_000),
    reconnect: BackoffSchema.prefault({}),
    /** Emotion tag → hotkey (by name or id) or expression file. Unmapped emotions do nothing. */
    emotions: z.record(tagName, ActionSchema).default({}),
    /** Motion tag → hotkey or expression. */
    motions: z.record(tagName, ActionSchema).default({}),
    /** Switch the expression that an emotion turned on off again when the reply has been heard. */
    clear_expression_after_reply: z.boolean().default(true),
    lip_sync: z
      .object({
        enabled: z.boolean().default(true),
        /** Injections per second while the character speaks (VTS reads at most its frame rate). */
        rate_hz: z.number().int().min(10).max(60).default(30),
        /** VTS input parameter for the mouth; `MouthOpen` unless the model maps a custom one. */
        mouth_parameter: z.string().min(1).max(32).default('MouthOpen'),
        /** MouthOpen = min(1, envelope × gain). */
        gain: z.number().positive().max(10).default(1),
        /** Emotion → MouthSmile value (0..1) while speaking, e.g. `{ joy: 1, sad: 0 }`. Empty: MouthSmile is left to tracking. */
        smile: z.record(tagName, z.number().min(0).max(1)).default({}),
      })
      .strict()
      .prefault({}),
    /** Don't draw the engine's own Live2D avatar on its page (VTube Studio shows the character instead). */
    hide_builtin_avatar: z.boolean().default(false),
  })
  .strict();

export type VtsConfig = z.infer<typeof VtsConfigSchema>;
export type VtsAction = z.infer<typeof ActionSchema>;
