import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ConfigLine } from './config-apply.ts';
import { pullModel, type PullOptions } from './model-install.ts';
import { entrySources, findModel, type ModelEntry, type ModelRegistry } from './model-registry.ts';

function du(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = statSync(full);
    total += st.isDirectory() ? du(full) : st.size;
  }
  return total;
}

export const mb = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(0)} MB`);

/** Rough download size of an entry: exact sizes where pinned, else the registry's approx_size. */
export function entrySize(entry: ModelEntry): { bytes: number; exact: boolean } {
  let bytes = 0;
  let exact = true;
  for (const s of entrySources(entry)) {
    bytes += s.size ?? s.approx_size ?? 0;
    if (s.size === undefined) exact = false;
  }
  return { bytes, exact };
}

/** The conf.yaml lines that make the daemon use these models. */
export function configLinesOf(entries: readonly ModelEntry[]): ConfigLine[] {
  return entries.flatMap((e) => Object.entries(e.config ?? {}).map(([key, value]) => ({ key, value })));
}

/** A profile's models in pull order; throws naming the known profiles when `id` is not one. */
export function profileEntries(registry: ModelRegistry, id: string): ModelEntry[] {
  const profile = registry.profiles[id];
  if (!profile) throw new Error(`unknown profile ${id}; known: ${Object.keys(registry.profiles).join(', ')}`);
  return profile.models.map((n) => findModel(registry, n) as ModelEntry);
}

/** Pulls every model of a profile in order, then prints where each went and the disk used. */
export async function pullProfile(registry: ModelRegistry, id: string, opts: PullOptions): Promise<ModelEntry[]> {
  const entries = profileEntries(registry, id);
  const total = entries.reduce((s, e) => s + entrySize(e).bytes, 0);
  opts.out.write(`profile ${id}: ${registry.profiles[id]?.description ?? ''}; about ${mb(total)} to download\n`);
  const done: Array<{ entry: ModelEntry; dir: string }> = [];
  for (const entry of entries) done.push({ entry, dir: (await pullModel(entry, opts)).dir });
  opts.out.write(`\nprofile ${id} installed in ${opts.modelsDir}:\n`);
  let used = 0;
  for (const { entry, dir } of done) {
    const size = du(dir);
    used += size;
    opts.out.write(`  ${entry.kind.padEnd(9)} ${entry.name.padEnd(62)} ${mb(size).padStart(8)}  ${dir}\n`);
  }
  opts.out.write(`disk used: ${mb(used)}\n`);
  return entries;
}
