import { loadRuntimeSettings } from '../config/env.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfigFor, printConfigError } from '../bootstrap.ts';
import { loadPlugins } from '../plugin-host/plugin-loader.ts';
import path from 'node:path';

/** `npm run config:check`: validates conf.yaml, the active character and enabled plugins; never starts anything. */
async function main(): Promise<void> {
  const settings = loadRuntimeSettings();
  try {
    const loaded = loadConfigFor(settings, false);
    await loadPlugins(loaded.config.plugins.enabled, loaded.config.plugins, [path.join(settings.rootDir, 'plugins')], loaded.configPath);
    if (loaded.migration.migrated) {
      process.stdout.write(`note: ${settings.configPath} uses an older layout; it will be migrated (with a backup) on start\n`);
    }
    process.stdout.write(`ok: ${settings.configPath} (character ${loaded.config.active_character}${loaded.characterPath ? ` from ${loaded.characterPath}` : ''})\n`);
  } catch (err) {
    if (err instanceof ConfigError) {
      printConfigError(err);
      process.exit(2);
    }
    throw err;
  }
}

void main();
