import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as wait } from 'node:timers/promises';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { api, connected, recordObsStatus, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

// The fake speaks obs-websocket 5 per its protocol doc (docs/generated/protocol.md in obsproject/obs-websocket:
// Hello/Identify/Identified, Request/RequestResponse). `hang()` models a hung OBS process: its TCP sockets are
// no longer read, so requests, the close handshake and new websocket handshakes all go unanswered until `thaw()`.

test('a hung OBS is marked degraded, the session is dropped at once, and it is live again within 5 s of thawing', async (t) => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { health_check_ms: 60_000 });
  const { seen, off } = recordObsStatus(td);
  try {
    await waitForObsStatus(td, connected);
    fake.hang();
    // A request that times out starts a health check at once, not at the next interval (60 s here).
    const slow = await api(td, 'POST', '/scene', { name: 'BRB' });
    assert.equal(slow.status, 504);
    const degraded = await waitForObsStatus(td, (s) => s.state === 'degraded', 3000);
    assert.ok(['unresponsive', 'reconnecting'].includes(String(degraded.info?.connection)));
    assert.ok(seen.includes('degraded:unresponsive'), `status went through unresponsive: ${seen.join(', ')}`);
    // While OBS is known to be down, calls fail fast instead of waiting for a timeout each.
    const t0 = performance.now();
    const fast = await api(td, 'POST', '/scene', { name: 'BRB' });
    assert.equal(fast.status, 502);
    assert.ok(performance.now() - t0 < 400, 'refused without waiting for OBS');
    await wait(2000);
    const thawedAt = performance.now();
    fake.thaw();
    await waitForObsStatus(td, connected, 5000);
    const backMs = performance.now() - thawedAt;
    t.diagnostic(`OBS live again ${Math.round(backMs)} ms after thawing`);
    assert.ok(backMs < 5000, `back within 5 s (took ${Math.round(backMs)} ms)`);
    assert.equal((await api(td, 'POST', '/scene', { name: 'BRB' })).status, 200);
    assert.ok(td.logs().some((l) => l.event === 'obs.health_failed'));
  } finally {
    off();
    await td.stop();
    await fake.stop();
  }
});

test('the periodic health check alone finds a hung OBS', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { health_check_ms: 1000 });
  try {
    await waitForObsStatus(td, connected);
    fake.hang();
    await waitForObsStatus(td, (s) => s.state === 'degraded', 4000);
    fake.thaw();
    await waitForObsStatus(td, connected, 5000);
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('after a restart of OBS the backoff stays under 5 s, so it is back within 5 s', async (t) => {
  const fake = new FakeObsServer();
  await fake.start();
  // The shipped backoff (1 s doubling to 30 s) with the 5 s ceiling once OBS has been seen.
  const td = await startObsDaemon(fake, { reconnect: { initial_ms: 1000, max_ms: 30_000 } });
  try {
    await waitForObsStatus(td, connected);
    const port = fake.port;
    await fake.stop();
    // Long enough for an uncapped backoff to reach 8-16 s between attempts.
    await wait(9000);
    const restartedAt = performance.now();
    await fake.start(port);
    await waitForObsStatus(td, connected, 7000);
    const backMs = performance.now() - restartedAt;
    t.diagnostic(`OBS live again ${Math.round(backMs)} ms after its restart`);
    assert.ok(backMs < 5500, `back within about 5 s of the restart (took ${Math.round(backMs)} ms)`);
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('POST /api/obs/reconnect drops the wait and connects at once', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { reconnect: { initial_ms: 20_000, max_ms: 30_000, known_up_max_ms: 30_000 } });
  try {
    await waitForObsStatus(td, connected);
    const port = fake.port;
    await fake.stop();
    await waitForObsStatus(td, (s) => s.info?.connection === 'reconnecting');
    await fake.start(port);
    // The next scheduled attempt is ~20 s away; the button must not wait for it.
    const t0 = performance.now();
    const res = await api(td, 'POST', '/reconnect', {});
    assert.equal(res.status, 202);
    await waitForObsStatus(td, connected, 3000);
    assert.ok(performance.now() - t0 < 3000);
    assert.equal((await api(td, 'POST', '/reconnect', {}, null)).status, 401);
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('a wrong password is a warning once per state change, not on every retry', async () => {
  const fake = new FakeObsServer({ password: 'right' });
  await fake.start();
  const td = await startObsDaemon(fake, { password: 'wrong', reconnect: { initial_ms: 50, max_ms: 100 } });
  try {
    await waitForObsStatus(td, (s) => s.info?.connection === 'auth_failed' && Number(s.info.attempts) >= 4);
    const warns = td.logs().filter((l) => l.event === 'obs.auth_failed' && l.level === 'warn');
    assert.equal(warns.length, 1, 'one warning while the password stays wrong');
    assert.ok(!JSON.stringify(td.logs()).includes('wrong"'), 'the password is not logged');
  } finally {
    await td.stop();
    await fake.stop();
  }
});
