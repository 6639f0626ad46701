// Client processes for POST /asr load, kept out of the daemon's process so the daemon's figures
// (event loop, RSS) are not mixed with the client's own work.
//   node asr-upload-client.mjs upload <base-url> <wav-file> <parallel>
//     sends `parallel` copies of a WAV file at once, prints one JSON line with the answers.
//   node asr-upload-client.mjs poll <base-url> <poll-ms>
//     polls /healthz every `poll-ms` until its stdin closes, prints one JSON line with the round trips.
// The poller is its own process, like a real health checker: pushing 30 MB of uploads stalls the
// uploading process's own event loop, and those stalls are not the daemon's.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const { fetch } = globalThis;
const [role, url, ...rest] = process.argv.slice(2);
const usage = () => {
  console.error('usage: asr-upload-client.mjs upload <base-url> <wav-file> <parallel> | poll <base-url> <poll-ms>');
  process.exit(2);
};
if (!url) usage();

if (role === 'upload') {
  const [file, parallelArg] = rest;
  if (!file) usage();
  const wav = readFileSync(file);
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: Number(parallelArg ?? 3) }, async () => {
      const res = await fetch(`${url}/asr`, { method: 'POST', body: wav, headers: { 'content-type': 'audio/wav' } });
      return { status: res.status, body: await res.json() };
    }),
  );
  process.stdout.write(`${JSON.stringify({ statuses: results.map((r) => r.status), bodies: results.map((r) => r.body), wall_ms: performance.now() - t0 })}\n`);
} else if (role === 'poll') {
  const pollMs = Number(rest[0] ?? 20);
  const healthz = [];
  let polling = true;
  process.stdin.on('end', () => (polling = false));
  process.stdin.resume();
  // Ready once the first poll has answered, so the parent starts the uploads after the poller is warm.
  await (await fetch(`${url}/healthz`)).arrayBuffer();
  process.stderr.write('ready\n');
  while (polling) {
    const t0 = performance.now();
    await (await fetch(`${url}/healthz`)).arrayBuffer();
    healthz.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  process.stdout.write(`${JSON.stringify({ healthz_ms: healthz })}\n`);
} else usage();
