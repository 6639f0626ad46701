import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { toConfigIssue } from '../config/loader.ts';
import { readYamlFile, type YamlSource } from '../config/yaml-source.ts';
import type { PluginDefinition } from './define-plugin.ts';

export interface LoadedPlugin {
  definition: PluginDefinition;
  config: unknown;
  dir: string;
}

function isPluginDefinition(value: unknown): value is PluginDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.setup === 'function' && typeof v.configSchema === 'object' && v.configSchema !== null;
}

/** Finds `<dir>/<name>/index.ts` (or .js) in the first plugin directory that has it. */
export function resolvePluginEntry(name: string, pluginDirs: readonly string[]): string | undefined {
  for (const dir of pluginDirs) {
    for (const file of ['index.ts', 'index.js']) {
      const candidate = path.join(dir, name, file);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Imports every enabled plugin and validates its config slice. Any problem is a ConfigError
 * (the daemon refuses to start with exit code 2), so a typo never starts a half-configured show.
 */
export async function loadPlugins(
  enabled: readonly string[],
  pluginsConfig: Readonly<Record<string, unknown>>,
  pluginDirs: readonly string[],
  configPath: string,
): Promise<LoadedPlugin[]> {
  let source: YamlSource | undefined;
  const sourceOf = (): YamlSource => {
    source ??= existsSync(configPath) ? readYamlFile(configPath) : ({ file: configPath, data: {}, locate: () => undefined } as unknown as YamlSource);
    return source;
  };
  const issues: ConfigIssue[] = [];
  const loaded: LoadedPlugin[] = [];
  for (const [index, name] of enabled.entries()) {
    const entry = resolvePluginEntry(name, pluginDirs);
    if (!entry) {
      issues.push({ file: configPath, ...sourceOf().locate(['plugins', 'enabled', index]), path: `plugins.enabled.${index}`, message: `no plugin named "${name}" in ${pluginDirs.join(', ')}` });
      continue;
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    } catch (err) {
      issues.push({ file: entry, path: `plugins.enabled.${index}`, message: `plugin "${name}" failed to load: ${(err as Error).message}` });
      continue;
    }
    if (!isPluginDefinition(mod.default)) {
      issues.push({ file: entry, path: `plugins.enabled.${index}`, message: `plugin "${name}" must default-export definePlugin({ name, configSchema, setup })` });
      continue;
    }
    const parsed = mod.default.configSchema.safeParse(pluginsConfig[name] ?? {}, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push(toConfigIssue(issue, sourceOf(), undefined, ['plugins', name]));
      continue;
    }
    loaded.push({ definition: mod.default, config: Object.freeze(parsed.data), dir: path.dirname(entry) });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return loaded;
}
