import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

/** `https://huggingface.co/<owner>/<repo>/resolve/<revision>/<file>` */
export const HF_RESOLVE = /^https:\/\/huggingface\.co\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/;
/** `https://github.com/<owner>/<repo>/releases/download/<tag>/<asset>` */
export const GITHUB_RELEASE = /^https:\/\/github\.com\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/;

const RemoteFile = z
  .object({
    url: z.string().url(),
    /** Pinned sha256. Without one the hash comes from the host's own metadata at download time. */
    sha256: Sha256.nullable().optional(),
    /** Where a pinned checksum was found, when it is not from the upstream project itself. */
    sha256_source: z.string().optional(),
    /** Exact size in bytes, when known from the publisher. */
    size: z.number().int().positive().optional(),
    /** Where the exact size was confirmed, when it is not from the publisher's own page. */
    size_source: z.string().optional(),
    /** Rough size (bytes) for `list` and profile totals when the exact one is only known at download time. */
    approx_size: z.number().int().positive().optional(),
  })
  .strict();
export type RemoteFile = z.infer<typeof RemoteFile>;

/** How a download is checked: a pinned sha256, the Hugging Face LFS etag, or the GitHub release digest. */
export type VerifyMethod = 'pinned sha256' | 'hf etag' | 'github digest';

export function verifyMethod(src: RemoteFile): VerifyMethod | undefined {
  if (GITHUB_RELEASE.test(src.url)) return 'github digest';
  if (HF_RESOLVE.test(src.url)) return 'hf etag';
  if (src.sha256) return 'pinned sha256';
  return undefined;
}

export const ModelEntrySchema = z
  .object({
    /** Folder name under VTUBER_MODELS_DIR, and the name given to `pull`. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/),
    kind: z.enum(['vad', 'asr', 'tts', 'llm', 'embedding']),
    /** The engine that uses it (asr.engine / the TTS engine name / llama_cpp). */
    engine: z.string().optional(),
    /** BCP 47 primary languages it is meant for (an LLM or embedder may list several). */
    languages: z.array(z.string()).optional(),
    description: z.string(),
    license: z.string().optional(),
    /** A .tar.bz2 whose top folder is `name` (sherpa-onnx release layout), unpacked into the models dir. */
    archive: RemoteFile.extend({ format: z.literal('tar.bz2').default('tar.bz2') }).optional(),
    /** Or single files, saved as `<models dir>/<name>/<path>`. */
    files: z.array(RemoteFile.extend({ path: z.string().regex(/^[A-Za-z0-9._/-]+$/).refine((p) => !p.split('/').includes('..'), 'no ..') })).optional(),
    /** Files that must exist in the model folder after install. */
    expect: z.array(z.string()).default([]),
    /** Config lines that make the daemon use this model (printed after a pull). */
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict()
  .refine((m) => Boolean(m.archive) !== Boolean(m.files?.length), 'give either archive or files')
  .refine((m) => [...(m.archive ? [m.archive] : []), ...(m.files ?? [])].every((s) => verifyMethod(s) !== undefined), {
    message: 'every file needs a way to be verified: a pinned sha256, a Hugging Face resolve URL or a GitHub release URL',
  });

export const ModelRegistrySchema = z
  .object({
    $comment: z.string().optional(),
    models: z.array(ModelEntrySchema),
    /** `pull --profile <id>`: the models a first show in that language needs. */
    profiles: z.record(z.string(), z.object({ description: z.string(), models: z.array(z.string()).min(1) }).strict()).default({}),
  })
  .strict();

export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type ModelRegistry = z.infer<typeof ModelRegistrySchema>;

export const DEFAULT_REGISTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'registry.json');

/** The registry the daemon's admin routes use: VTUBER_MODELS_REGISTRY (tests point it at fake hosts' entries) or the bundled one. */
export function registryFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.VTUBER_MODELS_REGISTRY ?? DEFAULT_REGISTRY;
}

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
  for (const [id, profile] of Object.entries(parsed.data.profiles)) {
    for (const n of profile.models) if (!names.has(n)) throw new Error(`model registry ${file}: profile ${id} names unknown model ${n}`);
  }
  return parsed.data;
}

export function findModel(registry: ModelRegistry, name: string): ModelEntry | undefined {
  return registry.models.find((m) => m.name === name);
}

export function entrySources(entry: ModelEntry): Array<RemoteFile & { path?: string | undefined }> {
  return entry.archive ? [{ ...entry.archive, path: undefined }] : (entry.files ?? []);
}
