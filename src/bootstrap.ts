import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RuntimeSettings } from './config/env.ts';
import type { ConfigError } from './config/config-error.ts';
import { loadConfig, type LoadedConfig } from './config-schema.ts';

export const TEMPLATE_PATH = 'config_templates/conf.default.yaml';

/** Creates conf.yaml from the commented template when it does not exist yet. Returns true if created. */
export function ensureConfigFile(settings: Readonly<RuntimeSettings>): boolean {
  if (existsSync(settings.configPath)) return false;
  mkdirSync(path.dirname(settings.configPath), { recursive: true });
  copyFileSync(path.join(settings.rootDir, TEMPLATE_PATH), settings.configPath);
  return true;
}

/** Loads config for the daemon or `config check`; a ConfigError is printed by the caller (exit 2). */
export function loadConfigFor(settings: Readonly<RuntimeSettings>, migrate = true): LoadedConfig {
  return loadConfig({ configPath: settings.configPath, charactersDir: settings.charactersDir, pluginsOverride: settings.plugins, migrate });
}

export function printConfigError(err: ConfigError): void {
  process.stderr.write(`Configuration error (the daemon did not start):\n${err.message}\n`);
}
