import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeTwitchServer } from './fake-twitch-server.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startTwitchDaemon, twitchStatus } from './helpers.ts';

test('when Twitch drops and comes back, the plugin reconnects (reconnecting → connected) and a replayed message is not processed twice', async () => {
  const fake = await new FakeTwitchServer('resilient').start();
  const h = await startTwitchDaemon(fake, { reconnect: { initial_ms: 150, max_ms: 1_000, jitter: 0.2 } });
  try {
    await fake.waitForJoins(1);
    await until(() => h.statuses.at(-1)?.state === 'connected', 5_000, 'connected');
    const hello = fake.privmsg({ id: 'msg-0001', userId: '1', login: 'viewer', text: 'before the drop' });
    fake.broadcast(hello);
    await until(() => h.inputs.some((i) => i.text === 'before the drop'), 3_000, 'first message');

    const port = fake.port;
    await fake.stop();
    await until(() => h.statuses.at(-1)?.state === 'reconnecting', 3_000, 'reconnecting status');
    const down = await twitchStatus(h.td);
    assert.equal(down.state, 'reconnecting');
    assert.equal(h.td.daemon.status.get('plugin', 'twitch')?.state, 'degraded');
    // Stay away long enough for at least one refused attempt.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await fake.start();
    assert.equal(fake.port, port);
    await fake.waitForJoins(2, 5_000);
    await until(() => h.statuses.at(-1)?.state === 'connected', 5_000, 'connected again');

    // Twitch replays the last message after the reconnect (same IRCv3 id), then chat goes on.
    fake.broadcast([hello, fake.privmsg({ id: 'msg-0002', userId: '2', login: 'other', text: 'after the drop' })]);
    await until(() => h.inputs.some((i) => i.text === 'after the drop'), 3_000, 'message after reconnect');
    assert.equal(h.inputs.filter((i) => i.text === 'before the drop').length, 1, 'the replayed message is not processed twice');

    const states = h.statuses.map((s) => s.state);
    const firstReconnecting = states.indexOf('reconnecting');
    assert.ok(firstReconnecting > 0 && states.indexOf('connected', firstReconnecting) > firstReconnecting, `reconnecting then connected: ${states.join(' → ')}`);
    const status = await twitchStatus(h.td);
    assert.equal(status.state, 'connected');
    assert.equal(status.reconnects, 1);
    assert.equal((status.counters as { dropped: Record<string, number> }).dropped.duplicate, 1);
    assert.ok(typeof status.lastEventAt === 'string');
  } finally {
    await h.td.stop();
    await fake.stop();
  }
});

test('a refused OAuth token gives auth_failed with a clear diagnosis, backs off (≤ 1 attempt per step) and never logs the token', async () => {
  const token = 'oauth:sekrit0token0value0123456';
  const envName = 'TWITCH_TEST_BAD_TOKEN';
  process.env[envName] = token;
  const fake = await new FakeTwitchServer('authchan', { acceptPass: (pass) => pass === 'oauth:the-right-one' }).start();
  const authRetry = { initial_ms: 250, max_ms: 4_000, factor: 2, jitter: 0.2 };
  const h = await startTwitchDaemon(fake, { bot_username: 'mybot', oauth_token_env: envName, auth_retry: authRetry });
  try {
    await until(() => h.statuses.some((s) => s.state === 'auth_failed'), 5_000, 'auth_failed');
    const observeMs = 2_200;
    await new Promise((resolve) => setTimeout(resolve, observeMs));

    assert.equal(fake.logins[0]?.pass, token, 'the token was sent to Twitch');
    assert.equal(fake.logins[0]?.nick, 'mybot');
    const times = fake.logins.map((l) => l.at);
    // Steps: 250, 500, 1000 ms (±20 %) → within ~2.4 s at most 4 logins; never two in one step.
    assert.ok(times.length >= 2 && times.length <= 4, `logins: ${times.length}`);
    for (let k = 1; k < times.length; k++) {
      const gap = (times[k] as number) - (times[k - 1] as number);
      const minStep = authRetry.initial_ms * authRetry.factor ** (k - 1) * (1 - authRetry.jitter);
      assert.ok(gap >= minStep - 25, `attempt ${k} came ${gap} ms after the previous one (step minimum ${minStep} ms)`);
    }

    const status = await twitchStatus(h.td);
    assert.equal(status.state, 'auth_failed');
    assert.match(String(status.detail), /Login authentication failed/);
    assert.match(String(status.detail), new RegExp(envName));
    assert.match(String(status.lastError), /invalid, expired or revoked/);
    const admin = h.td.daemon.status.get('plugin', 'twitch');
    assert.match(admin?.detail ?? '', /Login authentication failed/);
    assert.equal(admin?.info?.connection, 'auth_failed');

    const logged = h.td.logs();
    assert.ok(logged.some((l) => l.event === 'twitch.auth_failed' && String(l.msg).includes('Login authentication failed')), 'the failure is logged with its diagnosis');
    const everything = JSON.stringify(logged) + JSON.stringify(status) + JSON.stringify(h.td.daemon.status.snapshot());
    assert.ok(!everything.includes('sekrit0token'), 'the token never appears in logs or status');
  } finally {
    delete process.env[envName];
    await h.td.stop();
    await fake.stop();
  }
});

test('a token without a bot username fails setup with a clear message; the daemon runs on', async () => {
  const envName = 'TWITCH_TEST_LONELY_TOKEN';
  process.env[envName] = 'oauth:abc';
  const h = await startTwitchDaemon(undefined, { channel: 'somechan', oauth_token_env: envName });
  try {
    const entry = h.td.daemon.status.get('plugin', 'twitch');
    assert.equal(entry?.state, 'failed');
    assert.match(entry?.detail ?? '', /bot_username/);
    const health = await fetch(`${h.td.url}/healthz`);
    assert.equal(health.status, 200);
  } finally {
    delete process.env[envName];
    await h.td.stop();
  }
});
