import path from 'node:path';
import { ROOT_DIR } from '../../../src/config/env.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';

export const TOKEN = 'mcp-test-admin-token';
export const FIXTURE = path.join(ROOT_DIR, 'test', 'fixtures', 'mcp', 'test-mcp-server.mjs');

export const testServerEntry = (env: Record<string, string> = {}): Record<string, unknown> => ({ command: process.execPath, args: [FIXTURE], env });

export async function startMcpDaemon(mcp: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<TestDaemon> {
  return startTestDaemon({
    config: { plugins: { enabled: ['mcp'], mcp: { connect_timeout_ms: 15_000, call_timeout_ms: 3000, reconnect: { initial_ms: 200, max_ms: 1000 }, ...mcp } }, ...extra },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
  });
}

/** Polls until `pred` holds (bounded). */
export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function serverInfo(td: TestDaemon, name: string): Record<string, unknown> | undefined {
  const servers = td.daemon.status.get('plugin', 'mcp')?.info?.servers as Record<string, Record<string, unknown>> | undefined;
  return servers?.[name];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
