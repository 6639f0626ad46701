// What the plugin reports before any connection: nothing enabled, or a service enabled without its token.
// The StreamElements fake (fake-astro.ts, from StreamElements' websocket docs) only counts connections.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeAstro } from './fake-astro.ts';
import { donationsStatus, startDonationsDaemon } from './donations-harness.ts';

test('no service enabled: the plugin is disabled and says which setting turns one on', async () => {
  const h = await startDonationsDaemon({}, {});
  try {
    const entry = h.td.daemon.status.snapshot().plugins.donations;
    assert.equal(entry?.state, 'disabled');
    assert.match(entry?.detail ?? '', /plugins\.donations\.<service>\.enabled/);
    const res = await fetch(`${h.td.url}/api/donations/status`);
    assert.equal(res.status, 503, 'a disabled plugin\'s routes say it is not running');
  } finally {
    await h.stop();
  }
});

test('a service enabled without its token: not_configured naming the env var, a warning, and no connection', async () => {
  const fake = new FakeAstro();
  await fake.start();
  const h = await startDonationsDaemon({ streamelements: { enabled: true, url: fake.url, token_env: 'DONATIONS_TEST_EMPTY_TOKEN' } }, {});
  try {
    const se = (await donationsStatus(h.td)).streamelements;
    assert.equal(se?.state, 'not_configured');
    assert.match(se?.detail ?? '', /DONATIONS_TEST_EMPTY_TOKEN/);
    assert.equal(h.td.daemon.status.snapshot().plugins.donations?.state, 'degraded');
    const warn = h.td.logs().find((l) => l.event === 'donations.not_configured');
    assert.equal(warn?.level, 'warn');
    assert.equal(warn?.token_env, 'DONATIONS_TEST_EMPTY_TOKEN');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.connections, 0);
  } finally {
    await h.stop();
    await fake.stop();
  }
});
