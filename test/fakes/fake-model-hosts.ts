// A local fake of the two model hosts, written from their public docs:
// - Hugging Face: `HEAD /<repo>/resolve/<rev>/<file>` answers 302 to a CDN URL with X-Linked-Etag (LFS
//   sha256, quoted), X-Linked-Size and X-Repo-Commit (huggingface_hub file_download, get_hf_file_metadata).
// - GitHub REST "Get a release by tag name": `GET /repos/{owner}/{repo}/releases/tags/{tag}` returns
//   assets[] with name, size, digest ("sha256:<hex>") and browser_download_url.
// - The CDN honours `Range: bytes=N-` with 206 + Content-Range (RFC 9110 §14).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export interface FakeModelHosts {
  base: string;
  /** Set VTUBER_HF_ENDPOINT / VTUBER_GITHUB_API to these. */
  hfEndpoint: string;
  githubApi: string;
  gguf: Buffer;
  voice: Buffer;
  /** What the CDN serves (may be tampered) vs what the metadata claims. */
  cdn: Record<string, Buffer>;
  claims: Record<string, { sha: string; size: number }>;
  /** Range headers seen. */
  ranges: string[];
  close(): Promise<void>;
}

export interface FakeModelHostsOptions {
  /** Serve each CDN body in pieces of this many bytes with `pieceDelayMs` between them (a slow link). */
  pieceBytes?: number;
  pieceDelayMs?: number;
  ggufBytes?: number;
}

export async function startFakeModelHosts(opts: FakeModelHostsOptions = {}): Promise<FakeModelHosts> {
  const gguf = randomBytes(opts.ggufBytes ?? 120_000);
  const voice = randomBytes(30_000);
  const tampered = Buffer.from(gguf);
  tampered.writeUInt8(tampered.readUInt8(500) ^ 0xff, 500);
  const cdn: Record<string, Buffer> = { 'small.gguf': gguf, 'voice.bin': voice, 'tampered.gguf': tampered, 'short.gguf': gguf };
  const claims: Record<string, { sha: string; size: number }> = {
    'small.gguf': { sha: sha(gguf), size: gguf.length },
    'tampered.gguf': { sha: sha(gguf), size: gguf.length },
    'short.gguf': { sha: sha(gguf), size: gguf.length + 7 },
  };
  const ranges: string[] = [];
  let base = '';
  const send = (res: http.ServerResponse, body: Buffer): void => {
    if (!opts.pieceBytes) return void res.end(body);
    let off = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (off >= body.length) return void res.end();
      res.write(body.subarray(off, off + (opts.pieceBytes as number)));
      off += opts.pieceBytes as number;
      setTimeout(next, opts.pieceDelayMs ?? 10);
    };
    next();
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const hf = /^\/hf\/[^/]+\/[^/]+\/resolve\/main\/(.+)$/.exec(url);
    if (hf) {
      const c = claims[hf[1] as string];
      if (!c) return void res.writeHead(404).end();
      return void res.writeHead(302, { location: `${base}/cdn/${hf[1]}`, 'x-linked-etag': `"${c.sha}"`, 'x-linked-size': String(c.size), 'x-repo-commit': 'abc123' }).end();
    }
    if (url === '/api/repos/k2-fsa/sherpa-onnx/releases/tags/tts-models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ tag_name: 'tts-models', assets: [{ name: 'voice.bin', size: voice.length, digest: `sha256:${sha(voice)}`, browser_download_url: `${base}/cdn/voice.bin` }] }));
    }
    if (url.startsWith('/hang/')) return; // accepts the connection, never answers
    const file = /^\/cdn\/(.+)$/.exec(url)?.[1];
    const body = file ? cdn[file] : undefined;
    if (!body) return void res.writeHead(404).end();
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      ranges.push(req.headers.range as string);
      const from = Number(m[1]);
      res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` });
      return void send(res, body.subarray(from));
    }
    res.writeHead(200, { 'content-length': body.length });
    send(res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hfEndpoint: `${base}/hf`,
    githubApi: `${base}/api`,
    gguf,
    voice,
    cdn,
    claims,
    ranges,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
