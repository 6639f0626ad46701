import type { StageDefinition } from '../../../src/plugin-host/define-stage.ts';
import type { StatusEntry } from '../../../src/core/status-registry.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';

export const TOKEN = 'vts-test-admin-token';

export async function startVtsDaemon(fake: { url: string }, vts: Record<string, unknown> = {}, extra: { config?: Record<string, unknown>; stages?: readonly StageDefinition[] } = {}): Promise<TestDaemon> {
  return startTestDaemon({
    config: {
      ...extra.config,
      plugins: {
        enabled: ['vtube-studio'],
        'vtube-studio': { url: fake.url, request_timeout_ms: 1_000, reconnect: { initial_ms: 50, max_ms: 300 }, ...vts },
      },
    },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
    ...(extra.stages ? { stages: extra.stages } : {}),
  });
}

export function vtsStatus(td: TestDaemon): StatusEntry | undefined {
  return td.daemon.status.get('plugin', 'vtube-studio');
}

/** Polls the plugin's status until `pred` holds (bounded). */
export async function waitForVts(td: TestDaemon, pred: (s: StatusEntry) => boolean, timeoutMs = 10_000): Promise<StatusEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = vtsStatus(td);
    if (s && pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`VTube Studio status did not match within ${timeoutMs} ms; last: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const inState =
  (state: string) =>
  (s: StatusEntry): boolean =>
    s.info?.connection === state;

export async function api(td: TestDaemon, method: 'GET' | 'POST', path: string, token: string | null = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${td.url}/api/vtube-studio${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
