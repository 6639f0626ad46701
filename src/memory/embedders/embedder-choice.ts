import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadRegistry, type ModelRegistry } from '../../models/model-registry.ts';
import type { MemoryConfig } from '../memory-config.ts';

type EmbedderConfig = MemoryConfig['embedder'];

/** What `memory.embedder` resolved to, and how to get the semantic one when it is lexical. */
export interface EmbedderChoice {
  /** The config the embedder is built from (never `auto`). */
  config: EmbedderConfig & { type: 'hashed' | 'llama' | 'openai' };
  /** semantic: matches meaning (a model); lexical: matches shared words (built-in). */
  kind: 'semantic' | 'lexical';
  /** `auto` picked it, or the config named it. */
  picked: 'auto' | 'configured';
  /** One line on why, for logs and /admin/status. */
  reason: string;
  /** The command that installs the semantic embedder, when the lexical one is in use. */
  upgrade?: string;
  /** The command that (re)installs the catalogue's embedding model. */
  pull?: string;
}

/** The catalogue's embedding model: its file under the models folder and the command that pulls it. */
export function catalogueEmbedder(registry: ModelRegistry): { modelFile: string; pull: string } | undefined {
  const entry = registry.models.find((m) => m.kind === 'embedding' && m.files?.[0]?.path?.endsWith('.gguf'));
  const file = entry?.files?.[0]?.path;
  if (!entry || !file) return undefined;
  return { modelFile: `${entry.name}/${file}`, pull: `npm run models -- pull ${entry.name}` };
}

/**
 * Resolves `memory.embedder.type: auto`: the semantic GGUF embedder when its file is in the models
 * folder, otherwise the built-in lexical one. An explicit type is kept as configured.
 */
export function chooseEmbedder(cfg: EmbedderConfig, modelsDir: string, registry: ModelRegistry = loadRegistry()): EmbedderChoice {
  const cat = catalogueEmbedder(registry);
  const pull = cat ? { pull: cat.pull } : {};
  const upgrade = cat ? { ...pull, upgrade: `${cat.pull} (then restart; memories are re-embedded)` } : {};
  if (cfg.type === 'hashed') return { config: { ...cfg, type: 'hashed' }, kind: 'lexical', picked: 'configured', reason: 'memory.embedder.type is hashed', ...upgrade };
  if (cfg.type === 'llama') return { config: { ...cfg, type: 'llama' }, kind: 'semantic', picked: 'configured', reason: 'memory.embedder.type is llama', ...pull };
  if (cfg.type === 'openai') return { config: { ...cfg, type: 'openai' }, kind: 'semantic', picked: 'configured', reason: 'memory.embedder.type is openai' };
  const modelFile = cfg.model_file || cat?.modelFile;
  const full = modelFile ? (path.isAbsolute(modelFile) ? modelFile : path.join(modelsDir, modelFile)) : undefined;
  if (modelFile && full && existsSync(full)) {
    return { config: { ...cfg, type: 'llama', model_file: modelFile }, kind: 'semantic', picked: 'auto', reason: `embedding model found: ${full}`, ...pull };
  }
  return {
    config: { ...cfg, type: 'hashed' },
    kind: 'lexical',
    picked: 'auto',
    reason: full ? `no embedding model at ${full}: memory matches words, not meaning` : 'no embedding model in the catalogue: memory matches words, not meaning',
    ...upgrade,
  };
}

/** The lexical fallback used when the auto-picked model does not load. */
export function lexicalFallback(choice: EmbedderChoice, why: string): EmbedderChoice {
  return {
    config: { ...choice.config, type: 'hashed' },
    kind: 'lexical',
    picked: 'auto',
    reason: `the embedding model did not load (${why}): memory matches words, not meaning`,
    ...(choice.pull ? { pull: choice.pull, upgrade: `${choice.pull} --force (the file may be damaged; then restart)` } : {}),
  };
}
