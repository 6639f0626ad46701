// Twitch EventSub beside IRC: welcome → Helix subscriptions → follows and channel-point redemptions;
// keepalive, session_reconnect, revocation and a refused token. The fake follows
// dev.twitch.tv/docs/eventsub/handling-websocket-events and the Helix "Create EventSub Subscription" reference.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isInputOf } from '../../../src/core/input.ts';
import { TestClient } from '../../../test/helpers/ws-client.ts';
import { FakeEventsub } from './fake-eventsub-server.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startTwitchDaemon, twitchStatus, type TwitchHarness } from './helpers.ts';

const ids = { client: 'ES_TEST_CLIENT_ID', token: 'ES_TEST_TOKEN' };
const BROADCASTER = '141981764';

function eventsubConfig(fake: FakeEventsub, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventsub: {
      enabled: true,
      broadcaster_id: BROADCASTER,
      client_id_env: ids.client,
      token_env: ids.token,
      url: fake.url,
      helix_url: fake.helixUrl,
      reconnect: { initial_ms: 50, max_ms: 300 },
      actions: { Hydrate: { action: 'say', text: 'Hydration check! Drinking water now.' }, 'Be happy': { action: 'emotion', name: 'joy' }, 'Skip me': { action: 'ignore' } },
      ...extra,
    },
  };
}

const follow = (id: string, name: string) => ({ user_id: id, user_login: name.toLowerCase(), user_name: name, broadcaster_user_id: BROADCASTER, broadcaster_user_login: 'streamer', broadcaster_user_name: 'Streamer', followed_at: new Date().toISOString() });
const redemption = (title: string, input = '', cost = 100) => ({ id: `red-${title}`, broadcaster_user_id: BROADCASTER, user_id: '9001', user_login: 'viewer', user_name: 'Viewer', user_input: input, status: 'unfulfilled', reward: { id: `rw-${title}`, title, cost, prompt: '' }, redeemed_at: new Date().toISOString() });

describe('Twitch EventSub', () => {
  let fake: FakeEventsub;
  let h: TwitchHarness;

  before(async () => {
    fake = new FakeEventsub();
    fake.keepaliveSeconds = 1;
    await fake.start();
    process.env[ids.client] = fake.clientId;
    process.env[ids.token] = fake.token;
    h = await startTwitchDaemon(undefined, eventsubConfig(fake));
    await until(() => fake.created.length >= 2, 5_000, 'two subscriptions');
  });

  after(async () => {
    await h?.td.stop();
    await fake?.stop();
    delete process.env[ids.client];
    delete process.env[ids.token];
  });

  test('the welcome session id is used to create the follow and redemption subscriptions over Helix', async () => {
    const [f, r] = fake.created;
    assert.equal(f?.type, 'channel.follow');
    assert.equal(f?.version, '2');
    assert.deepEqual(f?.condition, { broadcaster_user_id: BROADCASTER, moderator_user_id: BROADCASTER });
    assert.equal(r?.type, 'channel.channel_points_custom_reward_redemption.add');
    assert.equal(f?.sessionId, r?.sessionId);
    assert.equal(f?.clientId, fake.clientId);
    const s = await twitchStatus(h.td);
    assert.equal((s.eventsub as { state: string }).state, 'connected');
  });

  test('a follow becomes one follow input; the same message sent twice is processed once', async () => {
    const from = h.inputs.length;
    fake.notify('channel.follow', follow('555', 'NewFan'));
    fake.resend();
    await until(() => h.inputs.length > from, 5_000, 'follow input');
    await new Promise((r) => setTimeout(r, 200));
    const got = h.inputs.slice(from);
    assert.equal(got.length, 1);
    const f = got[0];
    assert.ok(f && isInputOf(f, 'follow'));
    assert.deepEqual(f.user, { id: 'twitch:555', displayName: 'NewFan', platform: 'twitch' });
    assert.equal(f.login, 'newfan');
  });

  test('redemptions: react (default), say, emotion and ignore by reward title', async () => {
    const client = await TestClient.connect(h.td.wsUrl);
    try {
      const from = h.inputs.length;
      fake.notify('channel.channel_points_custom_reward_redemption.add', redemption('Sing a song', 'про котиков, пожалуйста', 500));
      fake.notify('channel.channel_points_custom_reward_redemption.add', redemption('hydrate'));
      fake.notify('channel.channel_points_custom_reward_redemption.add', redemption('Be happy'));
      fake.notify('channel.channel_points_custom_reward_redemption.add', redemption('Skip me'));
      await until(() => h.inputs.length >= from + 2, 5_000, 'two inputs');
      await client.waitFor((m) => m.type === 'emotion' && m.name === 'joy', 5_000);
      await new Promise((r) => setTimeout(r, 200));
      const got = h.inputs.slice(from);
      assert.equal(got.length, 2, 'emotion and ignore queue nothing');
      const react = got.find((i) => isInputOf(i, 'redemption'));
      assert.ok(react && isInputOf(react, 'redemption'));
      assert.equal(react.reward, 'Sing a song');
      assert.equal(react.cost, 500);
      assert.equal(react.message, 'про котиков, пожалуйста');
      const say = got.find((i) => isInputOf(i, 'system'));
      assert.ok(say && isInputOf(say, 'system'));
      assert.equal(say.text, 'Hydration check! Drinking water now.');
      assert.equal(say.verbatim, true, 'title match is case-insensitive; the text is spoken as written');
    } finally {
      await client.close();
    }
  });

  test('session_reconnect: moves to the new URL, drops the old socket, keeps the subscriptions', async () => {
    const subs = fake.created.length;
    const conns = fake.connections;
    fake.askReconnect();
    await until(() => fake.connections === conns + 1 && fake.openSockets === 1, 5_000, 'migrated');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fake.created.length, subs, 'no new subscriptions after a session_reconnect');
    const from = h.inputs.length;
    fake.notify('channel.follow', follow('556', 'AfterMove'));
    await until(() => h.inputs.length > from, 5_000, 'a follow on the new socket');
  });

  test('missed keepalives: the connection is dropped and a new session subscribes again', async () => {
    const subs = fake.created.length;
    fake.sendKeepalives = false;
    await until(() => fake.created.length >= subs + 2, 8_000, 'subscriptions on a new session');
    fake.sendKeepalives = true;
    assert.notEqual(fake.created.at(-1)?.sessionId, fake.created[subs - 1]?.sessionId);
    assert.ok(h.td.logs().some((l) => l.event === 'twitch.eventsub_keepalive_missed'));
  });

  test('a revocation shows in the status', async () => {
    fake.revoke('channel.follow');
    const deadline = Date.now() + 5_000;
    while (!((await twitchStatus(h.td)).eventsub as { revoked: string[] }).revoked.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const s = await twitchStatus(h.td);
    const es = s.eventsub as { revoked: string[]; detail: string };
    assert.deepEqual(es.revoked, ['channel.follow']);
    assert.match(es.detail, /channel\.follow revoked \(authorization_revoked\)/);
  });
});

test('EventSub with a refused token: auth_failed names the env var, no retry storm, the token is in no log line', async () => {
  const fake = new FakeEventsub();
  await fake.start();
  const badToken = 'wrong-eventsub-token-abcdef123';
  process.env.ES_BAD_CLIENT = fake.clientId;
  process.env.ES_BAD_TOKEN = badToken;
  const h = await startTwitchDaemon(undefined, eventsubConfig(fake, { client_id_env: 'ES_BAD_CLIENT', token_env: 'ES_BAD_TOKEN' }));
  try {
    await until(() => fake.helixCalls >= 1, 5_000, 'a Helix call');
    await new Promise((r) => setTimeout(r, 400));
    const s = await twitchStatus(h.td);
    const es = s.eventsub as { state: string; detail: string };
    assert.equal(es.state, 'auth_failed');
    assert.match(es.detail, /refused the EventSub token \(401\).*ES_BAD_TOKEN/);
    assert.equal(fake.helixCalls, 1, 'a refused token is not retried in a loop');
    const lines = [...h.td.logs().map((l) => JSON.stringify(l)), ...h.td.fileLogs()];
    for (const line of lines) assert.ok(!line.includes(badToken), `token leaked: ${line.slice(0, 200)}`);
    assert.ok(!JSON.stringify(s).includes(badToken));
  } finally {
    await h.td.stop();
    await fake.stop();
    delete process.env.ES_BAD_CLIENT;
    delete process.env.ES_BAD_TOKEN;
  }
});
