import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeWav } from '../../src/audio/wav.ts';

export interface Seen {
  auth: string | undefined;
  model: string | null;
  format: string | null;
  wav: { sampleRate: number; channels: number; frames: number };
}

/** A local server speaking OpenAI's /v1/audio/transcriptions (multipart in, JSON out). */
export async function fakeTranscriptionServer(reply: (seen: Seen) => { status: number; body: string }): Promise<{ baseUrl: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
      res.writeHead(404).end();
      return;
    }
    const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    const file = form.get('file');
    assert.ok(file instanceof Blob);
    const wav = decodeWav(new Uint8Array(await file.arrayBuffer()));
    const s: Seen = { auth: req.headers.authorization, model: form.get('model') as string | null, format: form.get('response_format') as string | null, wav };
    seen.push(s);
    const r = reply(s);
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
