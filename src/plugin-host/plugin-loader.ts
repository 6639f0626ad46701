import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { toConfigIssue } from '../config/loader.ts';
import { deepFreeze, readYamlFile, type YamlSource } from '../config/yaml-source.ts';
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

/** Keys of `plugins:` that are the host's own settings, not a plugin's config slice. */
const HOST_KEYS = new Set(['enabled', 'setup_timeout_ms']);

/** Every plugin name found in the plugin directories (a folder with an index file). */
export function availablePlugins(pluginDirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const dir of pluginDirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of entries) if (resolvePluginEntry(name, [dir])) names.add(name);
  }
  return [...names].sort();
}

/** Levenshtein distance, for "did you mean" on mistyped plugin names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function didYouMean(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean "${best}"?)` : '';
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
  const known = availablePlugins(pluginDirs);
  // A settings block for a plugin that does not exist is a typo, never silently ignored.
  for (const key of Object.keys(pluginsConfig)) {
    if (HOST_KEYS.has(key) || known.includes(key)) continue;
    issues.push({ file: configPath, ...sourceOf().locate(['plugins', key]), path: `plugins.${key}`, message: `settings for an unknown plugin "${key}"${didYouMean(key, known)}; plugins here: ${known.join(', ') || 'none'}` });
  }
  for (const [index, name] of enabled.entries()) {
    const entry = resolvePluginEntry(name, pluginDirs);
    if (!entry) {
      issues.push({ file: configPath, ...sourceOf().locate(['plugins', 'enabled', index]), path: `plugins.enabled.${index}`, message: `no plugin named "${name}"${didYouMean(name, known)} in ${pluginDirs.join(', ')}` });
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
    loaded.push({ definition: mod.default, config: deepFreeze(parsed.data), dir: path.dirname(entry) });
  }
  // A plugin that uses another plugin's services says so; that plugin must be enabled and start first.
  for (const [index, plugin] of loaded.entries()) {
    for (const dep of plugin.definition.dependencies ?? []) {
      const at = loaded.findIndex((p) => p.definition.name === dep);
      if (at === -1) issues.push({ file: configPath, ...sourceOf().locate(['plugins', 'enabled']), path: 'plugins.enabled', message: `plugin "${plugin.definition.name}" needs plugin "${dep}"; add it to plugins.enabled` });
      else if (at > index) issues.push({ file: configPath, ...sourceOf().locate(['plugins', 'enabled']), path: 'plugins.enabled', message: `plugin "${plugin.definition.name}" needs plugin "${dep}", which must come before it in plugins.enabled` });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return loaded;
}
