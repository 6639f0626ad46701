import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as wait } from 'node:timers/promises';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

// The fake speaks obs-websocket 5 (Hello/Identify/Identified, Request/RequestResponse, CurrentProgramSceneChanged
// with eventIntent Scenes=4), per the obs-websocket 5 protocol doc; `frozen` stops answering with the socket open.

test('a revert that fails while OBS is frozen is retried and lands once OBS answers again', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { triggers: [{ on: 'input', kinds: ['donation'], action: { type: 'source', scene: 'Main', source: 'Thanks', visible: true }, duration_ms: 300 }] });
  try {
    await waitForObsStatus(td, connected);
    td.daemon.input.push({ kind: 'donation', text: 'спасибо за стрим', user: { id: 'twitch:1', displayName: 'Аня', platform: 'twitch' }, amount: 5, currency: 'USD' });
    await fake.waitForRequest('SetSceneItemEnabled', (d) => d.sceneItemEnabled === true);
    fake.frozen = true;
    // The revert's first attempt hangs past request_timeout_ms (500 ms) and fails.
    await wait(1500);
    assert.equal(fake.itemEnabled.get('Main/Thanks'), true, 'still shown while OBS is frozen');
    fake.frozen = false;
    const deadline = Date.now() + 8000;
    while (fake.itemEnabled.get('Main/Thanks') !== false && Date.now() < deadline) await wait(50);
    assert.equal(fake.itemEnabled.get('Main/Thanks'), false, 'the Thanks source is hidden after OBS recovered');
    assert.ok(td.logs().some((l) => l.event === 'obs.revert_failed'), 'the failed attempt was logged');
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test("the streamer's own scene change during a trigger's window is not undone", async () => {
  const fake = new FakeObsServer({ scenes: ['Main', 'BRB', 'Chat'] });
  await fake.start();
  const td = await startObsDaemon(fake, { allow: { scenes: ['Main', 'BRB', 'Chat'] }, triggers: [{ on: 'emotion', emotions: ['sad'], action: { type: 'scene', name: 'BRB' }, duration_ms: 400 }] });
  try {
    await waitForObsStatus(td, connected);
    td.daemon.bus.emit('reply.segment', { turnId: 't1', index: 0, text: 'Мне грустно.', emotion: 'sad' });
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB');
    fake.streamerSwitchScene('Chat');
    await wait(1200);
    assert.equal(fake.currentScene, 'Chat', 'the scene the streamer chose stays');
    assert.ok(!fake.requests.some((r) => r.requestType === 'SetCurrentProgramScene' && r.requestData.sceneName === 'Main'), 'no switch back to Main');
    // Without a manual change, the window still switches back.
    td.daemon.bus.emit('reply.segment', { turnId: 't2', index: 0, text: 'So sad.', emotion: 'sad' });
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB' && fake.currentScene === 'BRB');
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'Chat', 3000);
    assert.equal(fake.currentScene, 'Chat');
  } finally {
    await td.stop();
    await fake.stop();
  }
});
