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
export async function startYoutubeDaemon(fake: FakeYoutubeApi, youtube: Record<string, unknown> = {}, secrets: { key?: string; oauth?: string } = { key: fake.apiKey }): Promise<YoutubeHarness> {
  const n = ++envCounter;
  const keyEnv = `YT_TEST_KEY_${n}`;
  const oauthEnv = `YT_TEST_OAUTH_${n}`;
  if (secrets.key !== undefined) process.env[keyEnv] = secrets.key;
  if (secrets.oauth !== undefined) process.env[oauthEnv] = secrets.oauth;
  const td = await startTestDaemon({
    config: {
      plugins: {
        enabled: ['youtube'],
        youtube: { api_base: fake.base, api_key_env: keyEnv, oauth_token_env: oauthEnv, min_poll_ms: 100, find_interval_ms: 300, quota_retry_ms: 500, auth_retry_ms: 500, retry: { initial_ms: 100, max_ms: 400 }, ...youtube },
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
    td,
    inputs,
    states,
    async stop() {
      await td.stop();
      delete process.env[keyEnv];
      delete process.env[oauthEnv];
    },
  };
}

export async function youtubeStatus(td: TestDaemon): Promise<Record<string, unknown>> {
  const res = await fetch(`${td.url}/api/youtube/status`);
  return (await res.json()) as Record<string, unknown>;
}
