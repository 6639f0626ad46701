import { z } from 'zod';

/**
 * `plugins.enabled` lists the plugins to load from `plugins/<name>/`. Each plugin's own settings
 * live under `plugins.<name>` and are validated by that plugin's schema when it is loaded.
 */
export const PluginsConfigSchema = z
  .object({
    enabled: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'plugin names are lower-case kebab-case')).default([]),
    /** A plugin whose setup takes longer than this is marked failed and disposed. */
    setup_timeout_ms: z.number().int().positive().default(10_000),
  })
  .catchall(z.unknown());

export type PluginsConfig = z.infer<typeof PluginsConfigSchema>;
