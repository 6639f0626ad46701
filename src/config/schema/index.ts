import { z } from 'zod';
import { AgentConfigSchema } from '../../agent/agent-config.ts';
import { CharacterConfigSchema } from './character.ts';
import { FrontendConfigSchema } from './frontend.ts';
import { LoggingConfigSchema } from './logging.ts';
import { MemoryConfigSchema } from '../../memory/memory-config.ts';
import { RelationshipsConfigSchema } from '../../relationships/relationships-config.ts';
import { PluginsConfigSchema } from './plugins.ts';
import { ServerConfigSchema } from './server.ts';
import { AsrConfigSchema } from '../../asr/asr-config.ts';
import { VadConfigSchema } from '../../vad/vad-config.ts';
import { TtsConfigSchema } from './tts.ts';

/** The conf.yaml layout version this build writes and reads. Older files are migrated. */
export const CURRENT_CONF_VERSION = 2;

/**
 * The whole conf.yaml. Every block is strict (unknown keys are errors) and carries its defaults,
 * so a missing key is filled in and a mistyped one is reported.
 */
export const ConfigSchema = z
  .object({
    conf_version: z.literal(CURRENT_CONF_VERSION).default(CURRENT_CONF_VERSION),
    /** Which characters/<name>.yaml is active. */
    active_character: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'a file name without extension').default('default'),
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
