import { z } from 'zod';

/** Prosody change, added to the current values: rate/pitch/volume are multipliers where 1 = normal. */
export const ProsodyDeltaSchema = z
  .object({
    rate: z.number().min(-1).max(1).optional(),
    pitch: z.number().min(-1).max(1).optional(),
    volume: z.number().min(-1).max(1).optional(),
  })
  .strict();

export const TTS_ENGINE_NAMES = ['edge', 'sherpa', 'espeak'] as const;
export type TtsEngineName = (typeof TTS_ENGINE_NAMES)[number];

/**
 * `character.voice`: how the character sounds. Engines are tried in `engines` order; each has
 * its own voice name (empty = the default voice for `character.language`).
 */
export const VoiceConfigSchema = z
  .object({
    engines: z.array(z.enum(TTS_ENGINE_NAMES)).min(1).default(['edge', 'sherpa', 'espeak']),
    edge: z.object({ voice: z.string().default('') }).strict().prefault({}),
    sherpa: z
      .object({
        /** Model id from the TTS models list (empty = the first installed model for the language). */
        model: z.string().default(''),
        /** Speaker id inside a multi-speaker model (kokoro, vits). */
        speaker: z.number().int().min(0).default(0),
      })
      .strict()
      .prefault({}),
    espeak: z.object({ voice: z.string().default('') }).strict().prefault({}),
    /** Base prosody, multipliers of the voice's normal. */
    rate: z.number().min(0.5).max(2).default(1),
    pitch: z.number().min(0.5).max(2).default(1),
    volume: z.number().min(0).max(2).default(1),
    /** Prosody changes while an emotion is active (added to the carried-over values). */
    emotions: z
      .record(z.string(), ProsodyDeltaSchema)
      .default({
        angry: { rate: -0.12, pitch: -0.12, volume: 0.1 },
        sad: { rate: -0.1, pitch: -0.06, volume: -0.1 },
        happy: { rate: 0.06, pitch: 0.06 },
        surprised: { rate: 0.08, pitch: 0.12 },
        fear: { rate: 0.1, pitch: 0.08, volume: -0.05 },
      }),
  })
  .strict();

export type VoiceConfig = z.infer<typeof VoiceConfigSchema>;
