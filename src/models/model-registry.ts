import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

const RemoteFile = z
  .object({
    url: z.string().url(),
    /** null: not verified yet; `pull` refuses it without --trust-unverified. */
    sha256: Sha256.nullable(),
    /** Where this checksum was found, when it is not from the upstream project itself. */
    sha256_source: z.string().optional(),
    size: z.number().int().positive().optional(),
  })
  .strict();

export const ModelEntrySchema = z
  .object({
    /** Folder name under VTUBER_MODELS_DIR, and the name given to `pull`. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/),
    kind: z.enum(['vad', 'asr', 'tts', 'llm', 'embedding']),
    /** The engine that uses it (asr.engine / the TTS engine name). */
    engine: z.string().optional(),
    description: z.string(),
    license: z.string().optional(),
    /** A .tar.bz2 whose top folder is `name` (sherpa-onnx release layout), unpacked into the models dir. */
    archive: RemoteFile.extend({ format: z.literal('tar.bz2').default('tar.bz2') }).optional(),
    /** Or single files, saved as `<models dir>/<name>/<path>`. */
    files: z.array(RemoteFile.extend({ path: z.string().regex(/^[A-Za-z0-9._/-]+$/).refine((p) => !p.split('/').includes('..'), 'no ..') })).optional(),
    /** Files that must exist in the model folder after install. */
    expect: z.array(z.string()).default([]),
  })
  .strict()
  .refine((m) => Boolean(m.archive) !== Boolean(m.files?.length), 'give either archive or files');

export const ModelRegistrySchema = z.object({ $comment: z.string().optional(), models: z.array(ModelEntrySchema) }).strict();

export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type ModelRegistry = z.infer<typeof ModelRegistrySchema>;

export const DEFAULT_REGISTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'registry.json');

/** Reads and validates a registry file (default: src/models/registry.json). */
export function loadRegistry(file: string = DEFAULT_REGISTRY): ModelRegistry {
  const parsed = ModelRegistrySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`model registry ${file} is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  const names = new Set<string>();
  for (const m of parsed.data.models) {
    if (names.has(m.name)) throw new Error(`model registry ${file} lists ${m.name} twice`);
    names.add(m.name);
  }
  return parsed.data;
}

export function findModel(registry: ModelRegistry, name: string): ModelEntry | undefined {
  return registry.models.find((m) => m.name === name);
}
