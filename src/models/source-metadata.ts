import { GITHUB_RELEASE, HF_RESOLVE, type RemoteFile, type VerifyMethod } from './model-registry.ts';
import { DownloadError } from './download.ts';

/** What a download must match, and where to fetch it from. */
export interface ExpectedFile {
  downloadUrl: string;
  sha256: string;
  size: number | undefined;
  method: VerifyMethod;
  /** Where the hash came from (URL of the metadata), for the lock file. */
  source: string;
}

/** Hosts are overridable so tests can point at a local fake speaking the same protocol. */
export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.VTUBER_HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/$/, '');
}
export function githubApi(env: NodeJS.ProcessEnv = process.env): string {
  return (env.VTUBER_GITHUB_API ?? 'https://api.github.com').replace(/\/$/, '');
}

async function timedFetch(url: string, init: RequestInit, timeoutMs: number, what: string, bytes: number | undefined): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error;
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : ((e.cause as Error | undefined)?.message ?? e.message);
    const size = bytes ? `, about ${(bytes / 1e6).toFixed(1)} MB` : '';
    throw new DownloadError(`cannot reach ${new URL(url).host} for ${what}${size} (${url}): ${reason}`, 'network');
  }
}

/**
 * Hugging Face: a HEAD on the resolve URL without following redirects answers 302 to the CDN with
 * X-Linked-Etag (the LFS sha256, quoted) and X-Linked-Size (as huggingface_hub's get_hf_file_metadata reads).
 * GitHub: the release API lists assets with name, size and digest "sha256:<hex>".
 * Our own downloader is kept (not node-llama-cpp's createModelDownloader) so every file, GGUF or
 * sherpa-onnx archive, gets the same resume, progress, hash check and lock entry.
 */
export async function resolveExpected(src: RemoteFile, timeoutMs = 30_000, env: NodeJS.ProcessEnv = process.env): Promise<ExpectedFile> {
  const gh = GITHUB_RELEASE.exec(src.url);
  if (gh) {
    const [, owner, repo, tag, asset] = gh as unknown as [string, string, string, string, string];
    const api = `${githubApi(env)}/repos/${owner}/${repo}/releases/tags/${tag}`;
    const res = await timedFetch(api, { headers: { accept: 'application/vnd.github+json' } }, timeoutMs, `the checksum of ${asset}`, src.size ?? src.approx_size);
    if (!res.ok) throw new DownloadError(`GET ${api} answered HTTP ${res.status} (needed for the checksum of ${asset})`, 'http');
    const body = (await res.json()) as { assets?: Array<{ name?: unknown; size?: unknown; digest?: unknown; browser_download_url?: unknown }> };
    const a = body.assets?.find((x) => x.name === asset);
    if (!a) throw new DownloadError(`release ${tag} of ${owner}/${repo} has no asset ${asset}`, 'http');
    const digest = typeof a.digest === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(a.digest)?.[1] : undefined;
    const sha256 = digest ?? src.sha256 ?? undefined;
    if (!sha256) throw new DownloadError(`release asset ${asset} has no sha256 digest in ${api} and the registry pins none`, 'http');
    return {
      downloadUrl: typeof a.browser_download_url === 'string' ? a.browser_download_url : src.url,
      sha256,
      size: typeof a.size === 'number' ? a.size : src.size,
      method: digest ? 'github digest' : 'pinned sha256',
      source: api,
    };
  }
  const hf = HF_RESOLVE.exec(src.url);
  if (hf) {
    const [, repo, rev, file] = hf as unknown as [string, string, string, string];
    const url = `${hfEndpoint(env)}/${repo}/resolve/${rev}/${file}`;
    const res = await timedFetch(url, { method: 'HEAD', redirect: 'manual' }, timeoutMs, `the checksum of ${file}`, src.size ?? src.approx_size);
    const etag = (res.headers.get('x-linked-etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
    const size = Number(res.headers.get('x-linked-size'));
    const location = res.headers.get('location');
    if (!/^[0-9a-f]{64}$/.test(etag)) throw new DownloadError(`HEAD ${url} answered HTTP ${res.status} without an X-Linked-Etag sha256 (cannot verify ${file})`, 'http');
    if (src.sha256 && etag !== src.sha256) {
      throw new DownloadError(`${file} changed upstream: ${url} reports sha256 ${etag} (X-Linked-Etag) but the registry pins ${src.sha256}; nothing was downloaded`, 'http');
    }
    return {
      downloadUrl: location ? new URL(location, url).toString() : url,
      sha256: src.sha256 ?? etag,
      size: Number.isFinite(size) && size > 0 ? size : src.size,
      method: 'hf etag',
      source: `${url}@${res.headers.get('x-repo-commit') ?? rev}`,
    };
  }
  if (!src.sha256) throw new DownloadError(`${src.url}: no pinned sha256 and no host metadata to verify it`, 'http');
  return { downloadUrl: src.url, sha256: src.sha256, size: src.size, method: 'pinned sha256', source: 'registry' };
}
