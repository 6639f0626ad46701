import http from 'node:http';
import { startFakeOpenAiServer } from '../test/fakes/fake-openai-server.ts';
const fake = await startFakeOpenAiServer();
fake.defaultReply = { text: 'a b c d e f g h', ttftMs: 0, tokenDelayMs: 0 };
const body = JSON.stringify({ model: 'x', stream: true, messages: [{ role: 'system', content: 'x'.repeat(3000) }, { role: 'user', content: 'hello there' }] });
const url = `${fake.baseUrl}/chat/completions`;
const agent = new http.Agent({ keepAlive: true });
async function viaFetch(): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const r = res.body!.getReader();
  for (;;) { const s = await r.read(); if (s.done) break; }
  return (fake.requests.at(-1)!.receivedAt - t0);
}
async function viaHttp(): Promise<number> {
  const t0 = performance.now();
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, resolve);
    req.on('error', reject);
    req.end(body);
  });
  for await (const _ of res) { /* drain */ }
  return (fake.requests.at(-1)!.receivedAt - t0);
}
for (const [name, fn] of [['fetch', viaFetch], ['http', viaHttp], ['fetch', viaFetch], ['http', viaHttp]] as const) {
  const xs: number[] = [];
  for (let i = 0; i < 200; i++) xs.push(await fn());
  xs.sort((a, b) => a - b);
  console.log(name, 'p50 call→arrival', xs[100]!.toFixed(3), 'p90', xs[180]!.toFixed(3));
}
await fake.close();
