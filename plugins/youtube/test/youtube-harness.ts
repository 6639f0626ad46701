import type { InputItem } from '../../../src/core/input.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';
import type { FakeYoutubeApi } from './fake-youtube-api.ts';

export interface YoutubeHarness {
  td: TestDaemon;
  inputs: InputItem[];
  states: string[];
  stop(): Promise<void>;
}

let envCounter = 0;

/**
 * A daemon with only the youtube plugin, pointed at the fake API. Secrets go in through env vars with
 * names unique to this harness (the plugin reads `process.env`), removed again on stop.
 */
export interface YoutubeSecrets {
  key?: string;
  oauth?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
}

/** The env var names a harness uses for secret `kind` (`KEY`, `OAUTH`, `CLIENT_ID`, `CLIENT_SECRET`, `REFRESH`). */
export const testEnv = (kind: string, n: number): string => `YT_TEST_${kind}_${n}`;

export async function startYoutubeDaemon(fake: FakeYoutubeApi, youtube: Record<string, unknown> = {}, secrets: YoutubeSecrets = { key: fake.apiKey }): Promise<YoutubeHarness & { n: number }> {
  const n = ++envCounter;
  const keyEnv = testEnv('KEY', n);
  const oauthEnv = testEnv('OAUTH', n);
  const envs: Record<string, string | undefined> = { [keyEnv]: secrets.key, [oauthEnv]: secrets.oauth, [testEnv('CLIENT_ID', n)]: secrets.clientId, [testEnv('CLIENT_SECRET', n)]: secrets.clientSecret, [testEnv('REFRESH', n)]: secrets.refreshToken };
  for (const [env, value] of Object.entries(envs)) if (value !== undefined) process.env[env] = value;
  const td = await startTestDaemon({
    config: {
      plugins: {
        enabled: ['youtube'],
        youtube: { api_base: fake.base, api_key_env: keyEnv, oauth_token_env: oauthEnv, client_id_env: testEnv('CLIENT_ID', n), client_secret_env: testEnv('CLIENT_SECRET', n), refresh_token_env: testEnv('REFRESH', n), min_poll_ms: 100, find_interval_ms: 300, quota_retry_ms: 500, auth_retry_ms: 500, retry: { initial_ms: 100, max_ms: 400 }, ...youtube },
      },
    },
    logLevel: 'debug',
  });
  const inputs: InputItem[] = [];
  const states: string[] = [];
  td.daemon.bus.on('input.queued', (item) => inputs.push(item));
  td.daemon.bus.on('status.changed', (e) => {
    if (e.kind === 'plugin' && e.name === 'youtube') states.push(String(e.info?.connection ?? e.state));
  });
  return {
    n,
    td,
    inputs,
    states,
    async stop() {
      await td.stop();
      for (const env of Object.keys(envs)) delete process.env[env];
    },
  };
}

export async function youtubeStatus(td: TestDaemon): Promise<Record<string, unknown>> {
  const res = await fetch(`${td.url}/api/youtube/status`);
  return (await res.json()) as Record<string, unknown>;
}
