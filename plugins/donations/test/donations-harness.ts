import type { InputItem } from '../../../src/core/input.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';

export interface DonationsHarness {
  td: TestDaemon;
  inputs: InputItem[];
  /** `process.env` names this harness set (removed on stop). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

let envCounter = 0;

/** Fast timings for tests; each test can override any of them. */
export const FAST = { reconnect: { initial_ms: 100, max_ms: 400 }, auth_retry: { initial_ms: 60_000, max_ms: 60_000 }, ping_interval_ms: 1_000, connect_timeout_ms: 3_000 };

/**
 * A daemon with only the donations plugin. Each service's token goes in through an env var whose name
 * is unique to this harness (the plugin reads `process.env`); `tokens` maps service → token.
 */
export async function startDonationsDaemon(
  donations: Record<string, unknown>,
  tokens: Partial<Record<'streamelements' | 'streamlabs' | 'donationalerts', string>>,
  daemonEnv: Record<string, string> = {},
): Promise<DonationsHarness> {
  const n = ++envCounter;
  const env: Record<string, string> = {};
  const services: Record<string, unknown> = {};
  for (const [service, token] of Object.entries(tokens)) {
    const name = `DONATIONS_TEST_${service.toUpperCase()}_${n}`;
    env[service] = name;
    process.env[name] = token;
    services[service] = { enabled: true, token_env: name, ...(donations[service] as Record<string, unknown> | undefined) };
  }
  const td = await startTestDaemon({ config: { plugins: { enabled: ['donations'], donations: { ...FAST, ...donations, ...services } } }, logLevel: 'debug', env: daemonEnv });
  const inputs: InputItem[] = [];
  td.daemon.bus.on('input.queued', (item) => inputs.push(item));
  return {
    td,
    inputs,
    env,
    async stop() {
      await td.stop();
      for (const name of Object.values(env)) delete process.env[name];
    },
  };
}

export type ServiceStatus = Record<string, unknown> & { state: string; detail: string };

export async function donationsStatus(td: TestDaemon): Promise<Record<string, ServiceStatus>> {
  const res = await fetch(`${td.url}/api/donations/status`);
  return ((await res.json()) as { services: Record<string, ServiceStatus> }).services;
}

export async function waitForState(td: TestDaemon, service: string, state: string, timeoutMs = 10_000): Promise<ServiceStatus> {
  let last: ServiceStatus | undefined;
  await until(
    async () => {
      last = (await donationsStatus(td))[service];
      return last?.state === state;
    },
    timeoutMs,
    `${service} to be ${state}`,
  );
  return last as ServiceStatus;
}

/** Every captured log line (memory and files), as text. */
export function allLogText(td: TestDaemon): string {
  return [...td.logs().map((l) => JSON.stringify(l)), ...td.fileLogs()].join('\n');
}
