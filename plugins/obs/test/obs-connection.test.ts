import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/config/config-error.ts';
import { startTestDaemon } from '../../../test/helpers/test-daemon.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { connected, recordObsStatus, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

const PASSWORD = 'correct horse battery staple';

test('authenticates with the obs-websocket 5 challenge and reports OBS and websocket versions', async () => {
  const fake = new FakeObsServer({ password: PASSWORD, obsVersion: '28.1.2', obsWebSocketVersion: '5.0.1' });
  await fake.start();
  const td = await startObsDaemon(fake, { password: PASSWORD });
  try {
    const s = await waitForObsStatus(td, connected);
    assert.equal(s.state, 'live');
    assert.equal(s.info?.obsVersion, '28.1.2');
    assert.equal(s.info?.obsWebSocketVersion, '5.0.1');
    assert.equal(s.info?.currentScene, 'Main');
    assert.equal(fake.identifyCount, 1);
    assert.ok(fake.requests.some((r) => r.requestType === 'GetVersion'), 'health check uses GetVersion');
    const logs = JSON.stringify(td.logs()) + td.fileLogs().join('\n');
    assert.ok(!logs.includes(PASSWORD), 'the password never reaches the logs');
    // An OBS event (op 5) updates the current scene.
    fake.currentScene = 'BRB';
    fake.emitEvent('CurrentProgramSceneChanged', { sceneName: 'BRB' }, 4);
    await waitForObsStatus(td, (st) => st.info?.currentScene === 'BRB');
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('a wrong password is reported as auth_failed (close 4009) and the daemon keeps running', async () => {
  const fake = new FakeObsServer({ password: PASSWORD });
  await fake.start();
  const td = await startObsDaemon(fake, { password: 'wrong' });
  try {
    const s = await waitForObsStatus(td, (st) => st.info?.connection === 'auth_failed');
    assert.equal(s.state, 'degraded');
    assert.match(s.detail ?? '', /OBS_WEBSOCKET_PASSWORD/);
    assert.equal(fake.identifyCount, 0);
    const health = await fetch(`${td.url}/healthz`);
    assert.equal(health.status, 200);
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('the password comes from OBS_WEBSOCKET_PASSWORD in the environment', async () => {
  const fake = new FakeObsServer({ password: PASSWORD });
  await fake.start();
  process.env.OBS_WEBSOCKET_PASSWORD = PASSWORD;
  const td = await startObsDaemon(fake, { password: 'stale value in conf.yaml' });
  try {
    await waitForObsStatus(td, connected);
  } finally {
    delete process.env.OBS_WEBSOCKET_PASSWORD;
    await td.stop();
    await fake.stop();
  }
});

test('reconnects with backoff after OBS drops the socket, passing through reconnecting', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake);
  const { seen, off } = recordObsStatus(td);
  try {
    await waitForObsStatus(td, connected);
    const port = fake.port;
    await fake.stop();
    await waitForObsStatus(td, (s) => s.info?.connection === 'reconnecting');
    await fake.start(port);
    await waitForObsStatus(td, connected);
    fake.dropClients();
    await waitForObsStatus(td, (s) => s.info?.connection === 'reconnecting');
    await waitForObsStatus(td, connected);
    assert.ok(fake.identifyCount >= 2);
    const transitions = seen.filter((x, i) => x !== seen[i - 1]);
    assert.deepEqual(transitions.slice(-4), ['degraded:reconnecting', 'live:connected', 'degraded:reconnecting', 'live:connected']);
  } finally {
    off();
    await td.stop();
    await fake.stop();
  }
});

test('with OBS absent the daemon starts, logs no errors and shows one status line', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const port = fake.port;
  await fake.stop();
  const td = await startTestDaemon({ config: { plugins: { enabled: ['obs'], obs: { port, reconnect: { initial_ms: 50, max_ms: 100 } } } } });
  try {
    const s = await waitForObsStatus(td, (st) => st.info?.connection === 'reconnecting' && Number(st.info.attempts) >= 3);
    assert.match(s.detail ?? '', /not reachable/);
    const errors = td.logs().filter((l) => l.level === 'error' || l.level === 'fatal');
    assert.deepEqual(errors, []);
  } finally {
    await td.stop();
  }
});

test('enabled: false keeps the plugin disabled without connecting', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { enabled: false });
  try {
    const s = td.daemon.status.get('plugin', 'obs');
    assert.equal(s?.state, 'disabled');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.connectionCount, 0);
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('a trigger rule outside the allow-list is a config error naming the rule index', async () => {
  await assert.rejects(
    startTestDaemon({
      config: {
        plugins: {
          enabled: ['obs'],
          obs: {
            allow: { scenes: ['BRB'] },
            triggers: [
              { on: 'idle', idle_ms: 60000, action: { type: 'scene', name: 'BRB' } },
              { on: 'emotion', emotions: ['angry'], action: { type: 'filter', source: 'Camera', filter: 'shake' }, duration_ms: 2000 },
            ],
          },
        },
      },
    }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /plugins\.obs\.triggers\.1\.action/);
      assert.match(err.message, /trigger rule 1: filter "shake" on "Camera" is not in allow\.filters/);
      return true;
    },
  );
});
