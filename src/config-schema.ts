import { z } from 'zod';
import { AgentConfigSchema } from './agent/agent-config.ts';
import { LlmConfigSchema } from './agent/llm/llm-config.ts';
import { PersonaShape } from './agent/persona-schema.ts';
import { AsrConfigSchema } from './asr/asr-config.ts';
import { characterNameSchema } from './config/character-name.ts';
import { CURRENT_CONF_VERSION } from './config/conf-version.ts';
import { loadConfigWith, type LoadConfigOptions, type LoadedConfigOf } from './config/loader.ts';
import { FrontendConfigSchema } from './config/schema/frontend.ts';
import { LoggingConfigSchema } from './config/schema/logging.ts';
import { PluginsConfigSchema } from './config/schema/plugins.ts';
import { ServerConfigSchema } from './config/schema/server.ts';
import { Live2dCharacterSchema } from './live2d/live2d-config.ts';
import { MemoryConfigSchema } from './memory/memory-config.ts';
import { RelationshipsConfigSchema } from './relationships/relationships-config.ts';
import { TtsConfigSchema } from './tts/tts-config.ts';
import { VoiceConfigSchema } from './tts/voice-config.ts';
import { VadConfigSchema } from './vad/vad-config.ts';

/*
 * The whole conf.yaml, composed from the schemas the stages own next to their code (src/stages.ts
 * lists the stages). src/config holds only the loader and the daemon's own blocks (server, logging,
 * plugins, frontend) and imports no stage; a new stage adds its block here.
 */

export { CURRENT_CONF_VERSION };

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

/**
 * The whole conf.yaml. Every block is strict (unknown keys are errors) and carries its defaults,
 * so a missing key is filled in and a mistyped one is reported.
 */
export const ConfigSchema = z
  .object({
    conf_version: z.literal(CURRENT_CONF_VERSION).default(CURRENT_CONF_VERSION),
    /** Which characters/<name>.yaml is active. */
    active_character: characterNameSchema.default('default'),
    server: ServerConfigSchema.prefault({}),
    logging: LoggingConfigSchema.prefault({}),
    character: CharacterConfigSchema.prefault({}),
    tts: TtsConfigSchema.prefault({}),
    agent: AgentConfigSchema.prefault({}),
    plugins: PluginsConfigSchema.prefault({}),
    vad: VadConfigSchema.prefault({}),
    asr: AsrConfigSchema.prefault({}),
    memory: MemoryConfigSchema.prefault({}),
    relationships: RelationshipsConfigSchema.prefault({}),
    frontend: FrontendConfigSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;

export type LoadedConfig = LoadedConfigOf<Config>;

/** conf.yaml (+ the active character file) validated against the composed schema, frozen. */
export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  return loadConfigWith(ConfigSchema, opts);
}
