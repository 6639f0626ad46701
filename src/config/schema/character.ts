import { z } from 'zod';
import { LlmConfigSchema } from '../../agent/llm/llm-config.ts';
import { Live2dCharacterSchema } from './live2d.ts';
import { VoiceConfigSchema } from './voice.ts';
import { PersonaShape } from '../../agent/persona-schema.ts';

/**
 * The character: who speaks and how. `characters/<name>.yaml` overrides any part of this block.
 * Stages add their own parts (persona, llm, voice, live2d...) next to these.
 */
export const CharacterConfigSchema = z
  .object({
    /** The name shown in the UI and used in the dialogue. */
    display_name: z.string().min(1).default('Aria'),
    /** One line about the character, shown in the admin character list. */
    description: z.string().max(500).default(''),
    /** BCP 47 language of the character's speech, e.g. en, en-US, ru. */
    language: z.string().min(2).default('en'),
    /** Language models: the provider chain (first that answers wins) and sampling settings. */
    llm: LlmConfigSchema.prefault({}),
    /** The Live2D model shown on the avatar page and overlay. */
    live2d: Live2dCharacterSchema.prefault({}),
    /** How the character sounds: TTS engine order, voices, prosody, per-emotion prosody. */
    voice: VoiceConfigSchema.prefault({}),
    ...PersonaShape,
  })
  .strict();

export type CharacterConfig = z.infer<typeof CharacterConfigSchema>;
