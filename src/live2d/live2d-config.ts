import { z } from 'zod';

/** Which Live2D model a character uses, and per-character adjustments on top of its model_dict entry. */
export const Live2dCharacterSchema = z
  .object({
    /** Name of a model_dict entry: built-in `shizuku` (Cubism 2) or `haru` (Cubism 4), or one of yours. */
    model: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('shizuku'),
    /** Multiplies the entry's scale. */
    scale: z.number().positive().max(20).default(1),
    /** Added to the entry's offsets, in fractions of the canvas (x right, y down). */
    offset_x: z.number().min(-2).max(2).default(0),
    offset_y: z.number().min(-2).max(2).default(0),
    /** Emotion → expression names merged over the entry's emotion_map. */
    emotion_map: z.record(z.string(), z.union([z.string(), z.number().int().min(0)])).default({}),
  })
  .strict();

export type Live2dCharacterConfig = z.infer<typeof Live2dCharacterSchema>;
