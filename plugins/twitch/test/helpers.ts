import type { InputItem } from '../../../src/core/input.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';
import type { FakeTwitchServer } from './fake-twitch-server.ts';

export interface TwitchHarness {
  td: TestDaemon;
  inputs: InputItem[];
  statuses: Array<{ state: string; detail?: string }>;
}

/** A daemon with only the twitch plugin, pointed at the fake server; records every queued input. */
export async function startTwitchDaemon(fake: FakeTwitchServer | undefined, twitch: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<TwitchHarness> {
  const base = fake ? { channel: fake.channel, server: { host: '127.0.0.1', port: fake.port, secure: false }, reconnect: { initial_ms: 100, max_ms: 1_000 } } : {};
  const td = await startTestDaemon({ config: { plugins: { enabled: ['twitch'], twitch: { ...base, ...twitch } } }, env, logLevel: 'debug' });
  const inputs: InputItem[] = [];
  const statuses: Array<{ state: string; detail?: string }> = [];
  td.daemon.bus.on('input.queued', (item) => inputs.push(item));
  td.daemon.bus.on('status.changed', (e) => {
    if (e.kind === 'plugin' && e.name === 'twitch') statuses.push({ state: String(e.info?.connection ?? e.state), ...(e.detail ? { detail: e.detail } : {}) });
  });
  return { td, inputs, statuses };
}

export async function twitchStatus(td: TestDaemon): Promise<Record<string, unknown>> {
  const res = await fetch(`${td.url}/api/twitch/status`);
  return (await res.json()) as Record<string, unknown>;
}
