import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync, truncateSync } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

export interface DownloadProgress {
  received: number;
  total: number | undefined;
  resumedFrom: number;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Stall timeout: give up when no byte arrives for this long (ms). */
  idleTimeoutMs?: number;
  /** Size the file must have: a bigger part file is started over, and errors name it. */
  expectedSize?: number;
}

const human = (n: number | undefined): string => (n === undefined ? 'size unknown' : `${(n / 1e6).toFixed(1)} MB`);

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'interrupted' | 'network',
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

async function hashFile(file: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/**
 * Downloads `url` into `partFile`, resuming from its current length with an HTTP Range request
 * (a server that ignores Range makes it start over). Returns the sha256 of the whole file.
 * On an interrupted transfer the part file stays, so the next call resumes.
 */
export async function downloadResumable(url: string, partFile: string, opts: DownloadOptions = {}): Promise<{ sha256: string; bytes: number }> {
  let have = existsSync(partFile) ? statSync(partFile).size : 0;
  if (opts.expectedSize !== undefined && have > opts.expectedSize) {
    truncateSync(partFile, 0);
    have = 0;
  }
  const controller = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  let res: Response;
  const headerTimer = setTimeout(() => controller.abort(), idleMs);
  try {
    res = await fetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal, redirect: 'follow' });
  } catch (err) {
    const why = controller.signal.aborted ? `no answer within ${idleMs / 1000} s` : (((err as Error).cause as Error | undefined)?.message ?? (err as Error).message);
    throw new DownloadError(`cannot download ${url} (${human(opts.expectedSize)}) from ${new URL(url).host}: ${why}`, 'network');
  } finally {
    clearTimeout(headerTimer);
  }
  if (res.status === 416 && have > 0) {
    // Range not satisfiable: the part file is already complete (or bigger than the file).
    await res.body?.cancel();
    const hash = createHash('sha256');
    await hashFile(partFile, hash);
    return { sha256: hash.digest('hex'), bytes: have };
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new DownloadError(`GET ${url} answered HTTP ${res.status}`, 'http');
  }
  if (res.status === 200 && have > 0) {
    truncateSync(partFile, 0);
    have = 0;
  }
  const hash = createHash('sha256');
  if (have > 0) await hashFile(partFile, hash);
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? have + length : undefined;
  const out = createWriteStream(partFile, { flags: have > 0 ? 'a' : 'w' });
  let received = have;
  let idle = setTimeout(() => controller.abort(), idleMs);
  try {
    if (!res.body) throw new DownloadError('empty response body', 'interrupted');
    for await (const chunk of Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>)) {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), idleMs);
      const buf = chunk as Buffer;
      hash.update(buf);
      received += buf.length;
      if (!out.write(buf)) await once(out, 'drain');
      opts.onProgress?.({ received, total, resumedFrom: have });
    }
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    if (opts.signal?.aborted) throw err;
    throw new DownloadError(`download of ${url} interrupted after ${received} bytes${controller.signal.aborted ? ` (no byte for ${idleMs / 1000} s)` : ''} (run the same command again to resume): ${(err as Error).message}`, 'interrupted');
  } finally {
    clearTimeout(idle);
    out.end();
    await once(out, 'close');
  }
  if (total !== undefined && received < total) {
    throw new DownloadError(`download interrupted after ${received} of ${total} bytes (run the same command again to resume)`, 'interrupted');
  }
  return { sha256: hash.digest('hex'), bytes: received };
}
