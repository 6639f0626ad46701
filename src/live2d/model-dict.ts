import { z } from 'zod';

/**
 * One Live2D model the page can show (a `model_dict.json` entry). Built-in models are listed in
 * frontend/public/live2d-models/model_dict.json; users add theirs in DATA_DIR/live2d-models/model_dict.json
 * with the model files in folders next to it (their `url` is relative to that folder).
 */
export const ModelDictEntrySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only'),
    /** The model settings file: `*.model.json` (Cubism 2) or `*.model3.json` (Cubism 4). */
    url: z.string().min(1).max(500),
    /** Size multiplier on top of fitting the model to the canvas height. */
    scale: z.number().positive().max(20).default(1),
    /** Shift in fractions of the canvas size (x to the right, y down). */
    offset_x: z.number().min(-2).max(2).default(0),
    offset_y: z.number().min(-2).max(2).default(0),
    /** Motion group played when nothing else is. */
    idle_motion_group: z.string().default('idle'),
    /** Emotion name → model expression name (or index); emotions not listed use parameter blends only. */
    emotion_map: z.record(z.string(), z.union([z.string(), z.number().int().min(0)])).default({}),
    /** Motion name (wave, nod, shake, bounce...) → the model's motion group; unlisted motions are procedural. */
    motion_map: z.record(z.string(), z.string()).default({}),
    /** Hit area name → motion group played when the viewer clicks it. */
    tap_motions: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type ModelDictEntry = z.infer<typeof ModelDictEntrySchema>;
export const ModelDictSchema = z.array(ModelDictEntrySchema).max(500);
