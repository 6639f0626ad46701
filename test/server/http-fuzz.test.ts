import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT_DIR } from '../../src/config/env.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { BUILTIN_STAGES } from '../../src/stages.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';

// A standing, bounded fuzz run over every HTTP route the daemon registers (found from fastify's
// route tree, so a new route is fuzzed without editing this file): seeded random methods, bodies,
// content types, path parameters and tokens. Every request must get an answer that is not an
// internal error, every error body must name a code and a message, and /healthz must stay quick.
const TOKEN = 'fuzz-admin-token';
const STATIC = /\.(js|css|map|html|png|json|moc3?|mtn|txt|wasm)$|^\/live2d-models\/|^\/user-models\//;

/** Full paths and methods from `printRoutes({ commonPrefix: false })`. */
function routesFromTree(tree: string): Array<{ path: string; methods: string[] }> {
  const stack: string[] = [];
  const out: Array<{ path: string; methods: string[] }> = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?) \(([A-Z, ]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    const full = stack.join('');
    out.push({ path: full.startsWith('/') ? full : `/${full}`, methods: (m[3] ?? '').split(',').map((s) => s.trim()) });
  }
  return out;
}

test('every HTTP route survives seeded random requests with a clear answer; /healthz stays responsive', { timeout: 30_000 }, async () => {
  // The character card routes write files: fuzz them on a copy, never on the repository's characters/.
  const chars = mkdtempSync(path.join(os.tmpdir(), 'vtuber-fuzz-chars-'));
  cpSync(path.join(ROOT_DIR, 'characters'), chars, { recursive: true });
  const td = await startTestDaemon({ stages: BUILTIN_STAGES.filter((s) => s.name !== 'memory'), env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_CHARACTERS_DIR: chars }, logLevel: 'silent' });
  try {
    const routes = routesFromTree(td.daemon.app.printRoutes({ commonPrefix: false })).filter((r) => !STATIC.test(r.path) && r.path !== '/' && r.path !== '/ws' && r.path !== '/healthz');
    assert.ok(routes.length >= 10, `found ${routes.length} routes: ${routes.map((r) => r.path).join(' ')}`);
    const rand = seededRandom(20261202);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const junk = (): string => {
      const n = Math.floor(rand() * 40);
      return Array.from({ length: n }, () => String.fromCharCode(Math.floor(rand() * 0x500))).join('');
    };
    const bodies = [
      () => '{',
      () => '[]',
      () => 'null',
      () => JSON.stringify({ text: junk(), name: rand() > 0.5 ? 5 : junk(), items: [{ text: junk() }] }),
      () => JSON.stringify({ [junk()]: junk(), voice: { engine: junk() } }),
      () => JSON.stringify('x'.repeat(Math.floor(rand() * 3000))),
      () => junk(),
      () => 'a: !!js/function "f()"\nb: [1, 2',
      () => 'user_id,affinity\n' + junk(),
    ];
    const types = ['application/json', 'text/plain', 'application/yaml', 'text/csv', 'audio/wav', 'multipart/form-data; boundary=x', 'application/octet-stream', ''];
    const perRoute = Math.max(20, Math.floor(2000 / routes.length));
    const healthz: number[] = [];
    let sent = 0;
    const started = performance.now();
    for (const route of routes) {
      for (let i = 0; i < perRoute && performance.now() - started < 20_000; i++) {
        const method = pick(route.methods.filter((m) => m !== 'HEAD'));
        const param = (): string => encodeURIComponent(pick(['1', '-1', 'twitch:42', '..%2F..', junk(), 'x'.repeat(300)]));
        const path = route.path.replace(/:[A-Za-z]+/g, param).replace(/\*/g, param);
        const headers: Record<string, string> = {};
        const type = pick(types);
        if (type) headers['content-type'] = type;
        if (rand() < 0.7) headers.authorization = `Bearer ${rand() < 0.85 ? TOKEN : junk().replace(/[^\x20-\x7e]/g, '')}`;
        if (rand() < 0.2) headers['x-request-id'] = rand() < 0.5 ? 'ok-id.1' : 'x'.repeat(200);
        const init: RequestInit = { method, headers };
        if (method !== 'GET' && method !== 'DELETE') init.body = pick(bodies)();
        const res = await fetch(`${td.url}${path}`, init);
        if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
          // A progress stream stays open by design: it answered, so drop it.
          await res.body?.cancel();
          sent++;
          continue;
        }
        const text = await res.text();
        sent++;
        const where = `${method} ${route.path} → ${res.status}: ${text.slice(0, 200)}`;
        assert.notEqual(res.status, 500, where);
        if (res.status >= 400) {
          const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } } | { jsonrpc: string };
          if (!('jsonrpc' in body)) assert.ok(typeof body.error?.code === 'string' && typeof body.error.message === 'string' && body.error.message.length > 0, where);
        }
        if (sent % 50 === 0) {
          const t0 = performance.now();
          assert.equal((await fetch(`${td.url}/healthz`)).status, 200);
          healthz.push(performance.now() - t0);
        }
      }
    }
    assert.ok(sent >= 500, `sent ${sent} requests`);
    const t0 = performance.now();
    assert.equal((await fetch(`${td.url}/healthz`)).status, 200, 'the daemon is still up');
    assert.ok(performance.now() - t0 < 1000, '/healthz answers quickly afterwards');
    process.stdout.write(`# http fuzz: ${sent} requests over ${routes.length} routes in ${Math.round(performance.now() - started)} ms; /healthz max ${Math.round(Math.max(...healthz))} ms\n`);
  } finally {
    await td.stop();
    rmSync(chars, { recursive: true, force: true });
  }
});
