import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as wait } from 'node:timers/promises';
import type { NewInput } from '../../../src/core/input-queue.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { ALLOW, connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

// The fake follows obs-websocket 5's protocol doc (docs/generated/protocol.md): Get/SetSceneItemEnabled,
// Get/SetSourceFilter(Enabled), Get/SetInputSettings, GetCurrentSceneTransition, Get/SetSceneItemTransform.
// A "change by hand" is the fake's model changing the way OBS's does when the streamer clicks in OBS.

const donation = (amount: number): NewInput => ({
  kind: 'donation',
  text: 'great stream',
  user: { id: 'twitch:7', displayName: 'Аня', platform: 'twitch' },
  amount,
  currency: 'RUB',
  message: 'great stream',
});

test("a hand change during a trigger's window wins for filters, texts, transitions and transforms", async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, {
    allow: { ...ALLOW, transitions: ['Fade', 'Cut', 'Stinger'], transforms: [{ scene: 'Main', source: 'Camera' }] },
    triggers: [
      { on: 'emotion', emotions: ['angry'], action: { type: 'filter', source: 'Camera', filter: 'shake', enabled: true }, duration_ms: 2000 },
      { on: 'input', kinds: ['donation'], action: { type: 'text', source: 'Subtitle', text: '{user}: {amount} {currency}' }, duration_ms: 2000 },
      { on: 'emotion', emotions: ['surprised'], action: { type: 'transition', name: 'Stinger' }, duration_ms: 2000 },
      { on: 'emotion', emotions: ['joy'], action: { type: 'transform', scene: 'Main', source: 'Camera', scale_x: 1.5, scale_y: 1.5 }, duration_ms: 2000 },
    ],
  });
  try {
    await waitForObsStatus(td, connected);
    const seg = (emotion: string): void => td.daemon.bus.emit('reply.segment', { turnId: 't', index: 0, text: 'x', emotion });
    seg('angry');
    td.daemon.input.push(donation(300));
    seg('surprised');
    seg('joy');
    await until(() => fake.filterEnabled.get('Camera/shake') === true && fake.inputText.get('Subtitle') === 'Аня: 300 RUB' && fake.currentTransition === 'Stinger' && fake.transforms.get('Main/Camera')?.scaleX === 1.5, 5000, 'all four actions applied');
    // The streamer takes over in OBS: turns the filter off and on again, types their own text,
    // picks another transition and moves the camera.
    fake.filterEnabled.set('Camera/shake', false);
    fake.inputText.set('Subtitle', 'BRB 5 min');
    fake.currentTransition = 'Cut';
    fake.transforms.set('Main/Camera', { positionX: 100, positionY: 0, rotation: 0, scaleX: 1.5, scaleY: 1.5 });
    await wait(2600);
    assert.equal(fake.inputText.get('Subtitle'), 'BRB 5 min', 'their text stays');
    assert.equal(fake.currentTransition, 'Cut', 'their transition stays');
    assert.equal(fake.transforms.get('Main/Camera')?.positionX, 100, 'their placement stays');
    assert.ok(!fake.requests.some((r) => r.requestType === 'SetSourceFilterEnabled' && r.requestData.filterEnabled === false), 'no redundant filter revert');
    const skipped = td.logs().filter((l) => l.event === 'obs.revert_skipped');
    assert.ok(skipped.length >= 3, `reverts skipped: ${skipped.map((l) => String(l.reason)).join('; ')}`);
    // Untouched, the same rules revert as before.
    seg('surprised');
    seg('joy');
    await until(() => fake.currentTransition === 'Stinger', 5000, 'the transition applied again');
    await until(() => fake.currentTransition === 'Cut' && fake.transforms.get('Main/Camera')?.scaleX === 1.5 && fake.transforms.get('Main/Camera')?.positionX === 100, 5000, 'the transition reverted, the placement kept');
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('a trigger that changes nothing leaves nothing to undo', async () => {
  const fake = new FakeObsServer({ hidden: [] });
  await fake.start();
  const td = await startObsDaemon(fake, { triggers: [{ on: 'input', kinds: ['donation'], action: { type: 'source', scene: 'Main', source: 'Thanks', visible: true }, duration_ms: 300 }] });
  try {
    await waitForObsStatus(td, connected);
    td.daemon.input.push(donation(5));
    await fake.waitForRequest('SetSceneItemEnabled', (d) => d.sceneItemEnabled === true);
    await wait(800);
    assert.equal(fake.itemEnabled.get('Main/Thanks'), true, 'the source the streamer keeps visible is not hidden');
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('a revert owed while OBS is down is replayed as soon as OBS reconnects', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { reconnect: { initial_ms: 100, max_ms: 400 }, triggers: [{ on: 'input', kinds: ['donation'], action: { type: 'source', scene: 'Main', source: 'Thanks', visible: true }, duration_ms: 300 }] });
  try {
    await waitForObsStatus(td, connected);
    td.daemon.input.push(donation(5));
    await until(() => fake.itemEnabled.get('Main/Thanks') === true, 5000, 'the source shown');
    const port = fake.port;
    await fake.stop();
    // Several retries fail meanwhile; their backoff grows towards 5 s.
    await wait(6000);
    const restarted = new FakeObsServer();
    restarted.itemEnabled.set('Main/Thanks', true);
    await restarted.start(port);
    await waitForObsStatus(td, connected, 5000);
    const back = performance.now();
    await until(() => restarted.itemEnabled.get('Main/Thanks') === false, 3000, 'the source hidden again');
    assert.ok(performance.now() - back < 1000, 'replayed on reconnect, not at the next backoff step');
    await restarted.stop();
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('a revert owed at shutdown survives a restart and lands when the daemon and OBS are back', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'obs-pending-'));
  const fake = new FakeObsServer({ scenes: ['Main', 'BRB'] });
  await fake.start();
  const port = fake.port;
  const rules = [{ on: 'input', kinds: ['donation'], action: { type: 'scene', name: 'BRB' }, duration_ms: 60_000 }];
  try {
    const first = await startObsDaemon(fake, { triggers: rules }, { VTUBER_DATA_DIR: dataDir });
    await waitForObsStatus(first, connected);
    first.daemon.input.push(donation(100));
    await until(() => fake.currentScene === 'BRB', 5000, 'the scene switched');
    const file = path.join(dataDir, 'obs', 'pending-reverts.json');
    await until(() => readFileSync(file, 'utf8').includes('"restore":"Main"'), 5000, 'the revert saved');
    // OBS goes away, then the daemon stops: the revert cannot run now.
    await fake.stop();
    await first.stop();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { pending: Array<{ plan: { type: string; restore: string; expect: string } }> };
    assert.deepEqual(saved.pending.map((p) => p.plan), [{ type: 'scene', restore: 'Main', expect: 'BRB' }]);

    const obsAgain = new FakeObsServer({ scenes: ['Main', 'BRB'] });
    obsAgain.currentScene = 'BRB';
    await obsAgain.start(port);
    const second = await startObsDaemon(obsAgain, { triggers: rules }, { VTUBER_DATA_DIR: dataDir });
    try {
      // Not due for a minute, but the file says when: the restart does not shorten or lose it.
      await waitForObsStatus(second, connected);
      await wait(300);
      assert.equal(obsAgain.currentScene, 'BRB');
      assert.ok(second.logs().some((l) => l.event === 'obs.pending_reverts_restored' && l.count === 1));
    } finally {
      // A clean stop with OBS up runs what is owed.
      await second.stop();
    }
    assert.equal(obsAgain.currentScene, 'Main');
    assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as { pending: unknown[] }).pending, []);
    await obsAgain.stop();
  } finally {
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an idle rule that comes due while OBS is down fires once OBS is back', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const port = fake.port;
  const td = await startObsDaemon(fake, { reconnect: { initial_ms: 100, max_ms: 300 }, triggers: [{ on: 'idle', idle_ms: 1000, action: { type: 'scene', name: 'BRB' } }] });
  try {
    await waitForObsStatus(td, connected);
    await fake.stop();
    await wait(1800);
    assert.ok(td.logs().some((l) => l.event === 'obs.trigger_failed'), 'the idle rule came due while OBS was down');
    const back = new FakeObsServer();
    await back.start(port);
    await waitForObsStatus(td, connected, 5000);
    await until(() => back.currentScene === 'BRB', 3000, 'the idle scene');
    await back.stop();
  } finally {
    await td.stop();
    await fake.stop();
  }
});
