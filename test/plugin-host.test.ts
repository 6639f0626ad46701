import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../src/config/config-error.ts';
import { loadPlugins } from '../src/plugin-host/plugin-loader.ts';
import { startTestDaemon } from './helpers/test-daemon.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const g = globalThis as { __throwsDisposed?: boolean; __healthyOrder?: string[]; __hangingHeard?: number };

test('a plugin that throws in setup and one that never resolves leave the daemon healthy; both show as failed and are disposed', async () => {
  const td = await startTestDaemon({
    config: { plugins: { enabled: ['healthy', 'throws-in-setup', 'never-resolves'], setup_timeout_ms: 300, healthy: { greeting: 'hello chat' } } },
    env: { VTUBER_ADMIN_TOKEN: 'adm' },
    pluginDirs: [fixtures],
  });
  try {
    assert.equal((await fetch(`${td.url}/healthz`)).status, 200);
    const status = (await (await fetch(`${td.url}/admin/status`, { headers: { authorization: 'Bearer adm' } })).json()) as {
      plugins: Record<string, { state: string; detail?: string; info?: Record<string, unknown> }>;
      tools: Array<{ name: string }>;
    };
    assert.equal(status.plugins.healthy?.state, 'live');
    assert.deepEqual(status.plugins.healthy?.info, { greeting: 'hello chat' });
    assert.equal(status.plugins['throws-in-setup']?.state, 'failed');
    assert.match(status.plugins['throws-in-setup']?.detail ?? '', /cannot reach the streaming service/);
    assert.equal(status.plugins['never-resolves']?.state, 'failed');
    assert.match(status.plugins['never-resolves']?.detail ?? '', /PLUGIN_SETUP_TIMEOUT: .*300 ms/);

    // Partial registrations of failed plugins are undone.
    assert.equal(g.__throwsDisposed, true);
    assert.deepEqual(status.tools.map((t) => t.name), ['healthy_echo']);
    const failedRoute = await fetch(`${td.url}/api/throws-in-setup/ping`);
    assert.equal(failedRoute.status, 503);
    assert.equal(((await failedRoute.json()) as { error: { code: string } }).error.code, 'PLUGIN_UNAVAILABLE');
    const before = g.__hangingHeard ?? 0;
    td.daemon.input.push({ kind: 'text', text: 'hello', user: { id: 'local:streamer', displayName: 'S', platform: 'local' } });
    assert.equal(g.__hangingHeard ?? 0, before, 'the timed-out plugin bus handler was removed');

    // The healthy plugin works: its config slice and routes under /api/<name>.
    const greeting = (await (await fetch(`${td.url}/api/healthy/greeting`)).json()) as { greeting: string };
    assert.equal(greeting.greeting, 'hello chat');
  } finally {
    await td.stop();
  }
  assert.deepEqual(g.__healthyOrder, ['returned', 'second', 'first'], 'cleanups run in reverse order on stop');
});

test('a plugin handler that throws on a bus event does not break the emitter or other handlers', async () => {
  const td = await startTestDaemon({ config: { plugins: { enabled: ['healthy'], healthy: { throw_on_input: true } } }, pluginDirs: [fixtures] });
  try {
    let heard = 0;
    td.daemon.bus.on('input.queued', () => heard++);
    td.daemon.input.push({ kind: 'text', text: 'one', user: { id: 'local:streamer', displayName: 'S', platform: 'local' } });
    td.daemon.input.push({ kind: 'text', text: 'two', user: { id: 'local:streamer', displayName: 'S', platform: 'local' } });
    assert.equal(heard, 2);
    assert.ok(td.logs().some((l) => l.event === 'bus.handler_failed' && l.component === 'plugin:healthy'), 'the failure is logged under the plugin name');
  } finally {
    await td.stop();
  }
});

test('an invalid plugin config slice or an unknown plugin refuses to start with errors naming the key', async () => {
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: ['healthy'], healthy: { greeting: 5 } } }, pluginDirs: [fixtures] }),
    (err: unknown) => err instanceof ConfigError && /plugins\.healthy\.greeting: wrong type; expected string/.test(err.message),
  );
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: ['nope'] } }, pluginDirs: [fixtures] }),
    (err: unknown) => err instanceof ConfigError && /plugins\.enabled\.0: no plugin named "nope"/.test(err.message),
  );
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: ['helthy'] } }, pluginDirs: [fixtures] }),
    (err: unknown) => err instanceof ConfigError && /no plugin named "helthy" \(did you mean "healthy"\?\)/.test(err.message),
  );
  // Settings for a plugin that does not exist are a typo, not silently ignored.
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: [], twich: { channel: 'x' } } }, pluginDirs: [fixtures] }),
    (err: unknown) => err instanceof ConfigError && /plugins\.twich: settings for an unknown plugin "twich" \(did you mean "twitch"\?\)/.test(err.message),
  );
});

test('a plugin config slice is frozen all the way down', async () => {
  const [, loaded] = await loadPlugins(['healthy', 'needs-healthy'], { 'needs-healthy': { rules: [{ word: 'hey' }] } }, [fixtures], path.join(fixtures, 'absent.yaml'));
  const config = loaded?.config as { rules: { word: string }[] };
  assert.throws(() => {
    (config.rules[0] as { word: string }).word = 'changed';
  }, TypeError);
  assert.throws(() => config.rules.push({ word: 'more' }), TypeError);
});

test('a plugin that declares a dependency needs it enabled and listed first', async () => {
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: ['needs-healthy'] } }, pluginDirs: [fixtures] }),
    (err: unknown) => err instanceof ConfigError && /plugin "needs-healthy" needs plugin "healthy"; add it to plugins\.enabled/.test(err.message),
  );
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: ['needs-healthy', 'healthy'] } }, pluginDirs: [fixtures] }),
    (err: unknown) => err instanceof ConfigError && /must come before it/.test(err.message),
  );
  const td = await startTestDaemon({ config: { plugins: { enabled: ['healthy', 'needs-healthy'] } }, pluginDirs: [fixtures] });
  try {
    assert.equal(td.daemon.status.get('plugin', 'needs-healthy')?.state, 'live');
  } finally {
    await td.stop();
  }
});

test('VTUBER_PLUGINS overrides the enabled list from conf.yaml', async () => {
  const td = await startTestDaemon({ config: { plugins: { enabled: ['throws-in-setup'] } }, env: { VTUBER_PLUGINS: 'healthy' }, pluginDirs: [fixtures] });
  try {
    assert.equal(td.daemon.status.get('plugin', 'healthy')?.state, 'live');
    assert.equal(td.daemon.status.get('plugin', 'throws-in-setup'), undefined);
  } finally {
    await td.stop();
  }
});
