import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { downloadResumable } from './download.ts';
import { entrySources, type ModelEntry } from './model-registry.ts';
import { recordLock, readLock } from './models-lock.ts';
import { resolveExpected } from './source-metadata.ts';
import { progressBar, progressFigures } from './progress-bar.ts';

const run = promisify(execFile);
export const MANIFEST = '.vtuber-model.json';

export class PullError extends Error {
  constructor(
    message: string,
    readonly kind: 'checksum' | 'unpack' | 'incomplete',
  ) {
    super(message);
    this.name = 'PullError';
  }
}

/** What a pull reports while it runs (the admin panel streams these). */
export type PullEvent =
  | { type: 'file-start'; model: string; file: string; index: number; count: number }
  | { type: 'progress'; model: string; file: string; received: number; total: number | undefined; rateBps: number; etaS: number | undefined }
  | { type: 'file-done'; model: string; file: string; bytes: number; sha256: string; verifiedBy: string }
  | { type: 'model-done'; model: string; dir: string; alreadyInstalled: boolean };

export interface PullOptions {
  /** Structured progress, next to the text written to `out`. */
  onEvent?: (e: PullEvent) => void;
  modelsDir: string;
  /** Re-download even when installed. */
  force?: boolean;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal;
  idleTimeoutMs?: number;
}

interface Manifest {
  name: string;
  installed_at: string;
  sources: Array<{ url: string; sha256: string; size: number; verified_by: string; source: string }>;
  files: Record<string, string>;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, base));
    else if (name !== MANIFEST) out.push(path.relative(base, full));
  }
  return out.sort();
}

export function isInstalled(entry: ModelEntry, modelsDir: string): boolean {
  const dir = path.join(modelsDir, entry.name);
  return existsSync(path.join(dir, MANIFEST)) && entry.expect.every((f) => existsSync(path.join(dir, f)));
}

/** Downloads (resuming), verifies and unpacks one model into `<modelsDir>/<name>/`. */
export async function pullModel(entry: ModelEntry, opts: PullOptions): Promise<{ dir: string; files: string[] }> {
  const dir = path.join(opts.modelsDir, entry.name);
  if (!opts.force && isInstalled(entry, opts.modelsDir)) {
    opts.out.write(`${entry.name} is already installed in ${dir}\n`);
    opts.onEvent?.({ type: 'model-done', model: entry.name, dir, alreadyInstalled: true });
    return { dir, files: listFiles(dir) };
  }
  const sources = entrySources(entry);
  const downloads = path.join(opts.modelsDir, '.downloads');
  mkdirSync(downloads, { recursive: true });
  const staging = path.join(opts.modelsDir, `.staging-${entry.name}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const manifestSources: Manifest['sources'] = [];
  try {
    for (const [i, src] of sources.entries()) {
      const fileLabel = src.path ?? path.basename(new URL(src.url).pathname);
      const part = path.join(downloads, `${entry.name}--${fileLabel.replace(/[/\\]/g, '_')}.part`);
      const bar = progressBar(`${entry.name}${sources.length > 1 ? ` (${i + 1}/${sources.length})` : ''}`, opts.out);
      opts.onEvent?.({ type: 'file-start', model: entry.name, file: fileLabel, index: i, count: sources.length });
      const want = await resolveExpected(src, opts.idleTimeoutMs ?? 30_000);
      const started = Date.now();
      const got = await downloadResumable(want.downloadUrl, part, {
        onProgress: (p) => {
          bar.update(p);
          if (opts.onEvent) opts.onEvent({ type: 'progress', model: entry.name, file: fileLabel, received: p.received, total: p.total ?? want.size, ...progressFigures(p, started) });
        },
        ...(want.size !== undefined ? { expectedSize: want.size } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
      });
      bar.done();
      if (want.size !== undefined && got.bytes !== want.size) {
        rmSync(part, { force: true });
        throw new PullError(`${entry.name}: size mismatch for ${fileLabel}: expected ${want.size} bytes (${want.method}), got ${got.bytes}. The download was deleted.`, 'checksum');
      }
      if (got.sha256 !== want.sha256) {
        rmSync(part, { force: true });
        throw new PullError(`${entry.name}: checksum mismatch for ${fileLabel} (${src.url}): expected sha256 ${want.sha256} (${want.method}), got ${got.sha256}. The download was deleted.`, 'checksum');
      }
      manifestSources.push({ url: src.url, sha256: got.sha256, size: got.bytes, verified_by: want.method, source: want.source });
      opts.onEvent?.({ type: 'file-done', model: entry.name, file: fileLabel, bytes: got.bytes, sha256: got.sha256, verifiedBy: want.method });
      if (src.path === undefined) {
        await unpackTarBz2(part, staging);
        rmSync(part, { force: true });
      } else {
        const target = path.join(staging, src.path);
        mkdirSync(path.dirname(target), { recursive: true });
        renameSync(part, target);
      }
    }
    const root = archiveRoot(staging, entry.name);
    const missing = entry.expect.filter((f) => !existsSync(path.join(root, f)));
    if (missing.length > 0) throw new PullError(`${entry.name}: the download does not contain ${missing.join(', ')}`, 'incomplete');
    const files = listFiles(root);
    const manifest: Manifest = { name: entry.name, installed_at: new Date().toISOString(), sources: manifestSources, files: {} };
    for (const f of files) manifest.files[f] = await sha256File(path.join(root, f));
    writeFileSync(path.join(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(root, dir);
    recordLock(opts.modelsDir, entry.name, { installed_at: manifest.installed_at, sources: manifestSources, files: manifest.files });
    opts.out.write(`${entry.name}: installed ${files.length} files in ${dir}\n`);
    opts.onEvent?.({ type: 'model-done', model: entry.name, dir, alreadyInstalled: false });
    return { dir, files };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function unpackTarBz2(archive: string, into: string): Promise<void> {
  try {
    // GNU tar strips leading "/" and "../" from member names, so nothing lands outside `into`.
    await run('tar', ['-xjf', archive, '-C', into, '--no-same-owner'], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    rmSync(archive, { force: true });
    throw new PullError(`cannot unpack ${path.basename(archive)} (the download was deleted, run the command again): ${(err as Error).message.split('\n')[0]}`, 'unpack');
  }
}

/** sherpa-onnx archives hold one top folder named like the model; otherwise the files are the model. */
function archiveRoot(staging: string, name: string): string {
  const entries = readdirSync(staging);
  if (entries.length === 1 && statSync(path.join(staging, entries[0] as string)).isDirectory()) return path.join(staging, entries[0] as string);
  if (entries.includes(name) && statSync(path.join(staging, name)).isDirectory()) return path.join(staging, name);
  return staging;
}

export interface VerifyReport {
  name: string;
  ok: boolean;
  problems: string[];
}

/** Re-hashes an installed model against its install manifest (and the registry for single files). */
export async function verifyModel(entry: ModelEntry, modelsDir: string): Promise<VerifyReport> {
  const dir = path.join(modelsDir, entry.name);
  const problems: string[] = [];
  if (!existsSync(dir)) return { name: entry.name, ok: false, problems: [`not installed (run: npm run models -- pull ${entry.name})`] };
  const manifestPath = path.join(dir, MANIFEST);
  if (!existsSync(manifestPath)) return { name: entry.name, ok: false, problems: [`no ${MANIFEST}: not installed by this command; run: npm run models -- pull ${entry.name} --force`] };
  const locked = readLock(modelsDir).models[entry.name];
  if (!locked) return { name: entry.name, ok: false, problems: [`not in models.lock.json; run: npm run models -- pull ${entry.name} --force`] };
  for (const f of entry.expect) if (!existsSync(path.join(dir, f))) problems.push(`missing ${f}`);
  for (const [f, sha] of Object.entries(locked.files)) {
    const full = path.join(dir, f);
    if (!existsSync(full)) problems.push(`missing ${f}`);
    else if ((await sha256File(full)) !== sha) problems.push(`${f} changed since install (sha256 differs from models.lock.json)`);
  }
  return { name: entry.name, ok: problems.length === 0, problems };
}
