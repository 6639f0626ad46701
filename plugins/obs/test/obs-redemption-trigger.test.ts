// A Twitch channel-points redemption drives OBS by its reward title, whatever the Twitch plugin's
// action for it is. Twitch side: the fake EventSub server (dev.twitch.tv/docs/eventsub/
// handling-websocket-events and the Helix "Create EventSub Subscription" reference); OBS side: the
// fake obs-websocket v5 server (obs-websocket's protocol.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startTestDaemon } from '../../../test/helpers/test-daemon.ts';
import { FakeEventsub } from '../../twitch/test/fake-eventsub-server.ts';
import { ObsConfigSchema } from '../config.ts';
import { ALLOW, connected, TOKEN, waitForObsStatus } from './obs-harness.ts';

const ids = { client: 'OBS_RED_TEST_CLIENT_ID', token: 'OBS_RED_TEST_TOKEN' };
const BROADCASTER = '141981764';
const redemption = (id: string, title: string, input: string) => ({ id, broadcaster_user_id: BROADCASTER, user_id: '9001', user_login: 'viewer', user_name: 'Зритель', user_input: input, status: 'unfulfilled', reward: { id: `rw-${title}`, title, cost: 250, prompt: '' }, redeemed_at: new Date().toISOString() });

test('a redemption fires the OBS rules naming its reward (case-insensitive), also when Twitch ignores it; other rewards do not', async () => {
  const obs = new FakeObsServer();
  await obs.start();
  const es = new FakeEventsub();
  await es.start();
  process.env[ids.client] = es.clientId;
  process.env[ids.token] = es.token;
  const td = await startTestDaemon({
    config: {
      plugins: {
        enabled: ['twitch', 'obs'],
        twitch: { eventsub: { enabled: true, broadcaster_id: BROADCASTER, client_id_env: ids.client, token_env: ids.token, url: es.url, helix_url: es.helixUrl, actions: { 'Scene swap': { action: 'ignore' } } } },
        obs: {
          port: obs.port,
          reconnect: { initial_ms: 100, max_ms: 400 },
          allow: ALLOW,
          rate_limit: { per_second: 1000, burst: 1000 },
          triggers: [
            { on: 'redemption', rewards: ['scene SWAP'], action: { type: 'scene', name: 'BRB' } },
            { on: 'redemption', rewards: ['Hydrate'], action: { type: 'text', source: 'Subtitle', text: '{user} → {reward} ({cost}): {message}' } },
          ],
        },
      },
    },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
  });
  try {
    await waitForObsStatus(td, connected);
    await until(() => es.created.length >= 2, 5_000, 'EventSub subscriptions');
    es.notify('channel.channel_points_custom_reward_redemption.add', redemption('r1', 'Scene swap', ''));
    await obs.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB', 3000);
    assert.equal(td.daemon.input.size, 0, 'the ignored reward reached OBS, not the character');
    es.notify('channel.channel_points_custom_reward_redemption.add', redemption('r2', 'Hydrate', 'пей воду'));
    await obs.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text?: string }).text === 'Зритель → Hydrate (250): пей воду', 3000);
    const before = obs.requests.length;
    es.notify('channel.channel_points_custom_reward_redemption.add', redemption('r3', 'Something else', ''));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(obs.requests.slice(before).map((r) => r.requestType).filter((t) => t === 'SetCurrentProgramScene' || t === 'SetInputSettings'), [], 'no rule names that reward');
  } finally {
    await td.stop();
    await obs.stop();
    await es.stop();
    delete process.env[ids.client];
    delete process.env[ids.token];
  }
});

test('a redemption rule\'s text may use {reward}, {user}, {message}, {cost} only', () => {
  const bad = ObsConfigSchema.safeParse({ allow: ALLOW, triggers: [{ on: 'redemption', rewards: ['Hydrate'], action: { type: 'text', source: 'Subtitle', text: '{amount}' } }] });
  assert.equal(bad.success, false);
  assert.match(bad.error?.issues[0]?.message ?? '', /\{amount\} is not a field of "redemption" events/);
  assert.equal(ObsConfigSchema.safeParse({ allow: ALLOW, triggers: [{ on: 'redemption', rewards: [], action: { type: 'scene', name: 'BRB' } }] }).success, false, 'at least one reward');
});
