import type { Disposer } from '../../../src/core/disposable.ts';
import type { StatusEntry } from '../../../src/core/status-registry.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';
import type { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';

export const TOKEN = 'obs-test-admin-token';

/** The allow-list most tests use: matches the fake OBS's default model. */
export const ALLOW = {
  scenes: ['Main', 'BRB'],
  sources: [{ scene: 'Main', source: 'Thanks' }],
  text_sources: ['Subtitle'],
  filters: [{ source: 'Camera', filter: 'shake' }],
  media: ['Stinger'],
};

export async function startObsDaemon(fake: FakeObsServer, obs: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<TestDaemon> {
  return startTestDaemon({
    config: {
      plugins: {
        enabled: ['obs'],
        obs: { port: fake.port, request_timeout_ms: 500, connect_timeout_ms: 1000, reconnect: { initial_ms: 100, max_ms: 400 }, allow: ALLOW, rate_limit: { per_second: 1000, burst: 1000 }, ...obs },
      },
    },
    env: { VTUBER_ADMIN_TOKEN: TOKEN, ...env },
  });
}

/** Polls the OBS plugin's status until `pred` holds (bounded). */
export async function waitForObsStatus(td: TestDaemon, pred: (s: StatusEntry) => boolean, timeoutMs = 10_000): Promise<StatusEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = td.daemon.status.get('plugin', 'obs');
    if (s && pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`OBS status did not match within ${timeoutMs} ms; last: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const connected = (s: StatusEntry): boolean => s.info?.connection === 'connected';

/** Records each OBS plugin status change as `state:connection` (e.g. `degraded:reconnecting`) until `off()`. */
export function recordObsStatus(td: TestDaemon): { seen: string[]; off: Disposer } {
  const seen: string[] = [];
  const off = td.daemon.bus.on('status.changed', (e) => {
    if (e.kind === 'plugin' && e.name === 'obs') seen.push(`${e.state}:${String(e.info?.connection)}`);
  });
  return { seen, off };
}

export async function api(td: TestDaemon, method: 'GET' | 'POST', path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${td.url}/api/obs${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
