// A separate client process for POST /asr load: sends `parallel` copies of a WAV file at once while
// polling /healthz every `pollMs`, then prints one JSON line. Running it outside the daemon's process
// means the daemon's figures (event loop, RSS) are not mixed with the client's own work.
//   node asr-upload-client.mjs <base-url> <wav-file> <parallel> <poll-ms>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const { fetch } = globalThis;

const [url, file, parallelArg, pollArg] = process.argv.slice(2);
if (!url || !file) {
  console.error('usage: asr-upload-client.mjs <base-url> <wav-file> <parallel> <poll-ms>');
  process.exit(2);
}
const parallel = Number(parallelArg ?? 3);
const pollMs = Number(pollArg ?? 20);
const wav = readFileSync(file);

const healthz = [];
let polling = true;
const poller = (async () => {
  while (polling) {
    const t0 = performance.now();
    await (await fetch(`${url}/healthz`)).arrayBuffer();
    healthz.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, pollMs));
  }
})();
const t0 = performance.now();
const results = await Promise.all(
  Array.from({ length: parallel }, async () => {
    const res = await fetch(`${url}/asr`, { method: 'POST', body: wav, headers: { 'content-type': 'audio/wav' } });
    return { status: res.status, body: await res.json() };
  }),
);
const wallMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 100));
polling = false;
await poller;
process.stdout.write(`${JSON.stringify({ statuses: results.map((r) => r.status), bodies: results.map((r) => r.body), wall_ms: wallMs, healthz_ms: healthz })}\n`);
