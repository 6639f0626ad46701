import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { ALLOW, api, connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

// Request and field names follow obs-websocket 5's protocol doc (docs/generated/protocol.md):
// SetCurrentSceneTransition {transitionName}, SetCurrentSceneTransitionDuration {transitionDuration 50-20000},
// Start/StopRecord, Start/StopStream (500 OutputRunning / 501 OutputNotRunning), SetSceneItemTransform
// {sceneName, sceneItemId, sceneItemTransform{positionX, positionY, rotation, scaleX, scaleY}}.

let fake: FakeObsServer;
let td: TestDaemon;

before(async () => {
  fake = new FakeObsServer();
  await fake.start();
  td = await startObsDaemon(fake, { allow: { ...ALLOW, transitions: ['Fade', 'Cut'], transforms: [{ scene: 'Main', source: 'Camera' }], recording: true } });
  await waitForObsStatus(td, connected);
});

after(async () => {
  await td.stop();
  await fake.stop();
});

const audits = (): Array<Record<string, unknown>> => td.logs().filter((l) => l.event === 'obs.rest_action');

test('POST /transition makes a transition current and sets its duration', async () => {
  assert.equal((await api(td, 'POST', '/transition', { name: 'Cut' })).status, 200);
  assert.equal(fake.currentTransition, 'Cut');
  assert.equal((await api(td, 'POST', '/transition', { name: 'Fade', duration_ms: 1200 })).status, 200);
  assert.equal(fake.currentTransition, 'Fade');
  assert.equal(fake.transitionDuration, 1200);
  const bad = await api(td, 'POST', '/transition', { name: 'Fade', duration_ms: 20 });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /duration_ms/);
  assert.equal((await api(td, 'POST', '/transition', { name: 'Stinger' })).status, 403, 'Stinger is not in allow.transitions');
});

test('POST /record starts and stops the recording; /stream is off by default', async () => {
  assert.equal((await api(td, 'POST', '/record', { action: 'start' })).status, 200);
  assert.equal(fake.recording, true);
  assert.equal((await api(td, 'POST', '/record', { action: 'stop' })).status, 200);
  assert.equal(fake.recording, false);
  const again = await api(td, 'POST', '/record', { action: 'stop' });
  assert.equal(again.status, 502, 'OBS refuses to stop a recording that is not running (code 501)');
  const stream = await api(td, 'POST', '/stream', { action: 'start' });
  assert.equal(stream.status, 403);
  assert.match(String((stream.body.error as { message: string }).message), /allow\.streaming/);
  assert.equal(fake.streaming, false);
});

test('POST /transform moves and scales an allowed source, leaving other fields as they were', async () => {
  assert.equal((await api(td, 'POST', '/transform', { scene: 'Main', source: 'Camera', x: 640, scale_x: 0.5, scale_y: 0.5 })).status, 200);
  assert.deepEqual(fake.transforms.get('Main/Camera'), { positionX: 640, positionY: 0, rotation: 0, scaleX: 0.5, scaleY: 0.5 });
  const empty = await api(td, 'POST', '/transform', { scene: 'Main', source: 'Camera' });
  assert.equal(empty.status, 400, 'a transform with nothing to change is refused');
  assert.equal((await api(td, 'POST', '/transform', { scene: 'Main', source: 'Thanks', x: 1 })).status, 403);
});

test('every REST action is audited with its target and value, refusals and failures included', async () => {
  await api(td, 'POST', '/source', { scene: 'Main', source: 'Thanks', visible: true });
  await api(td, 'POST', '/scene', { name: 'Secret' });
  await api(td, 'POST', '/text', { source: 'Subtitle', text: 'Привет, чат!' });
  const lines = audits();
  const shown = lines.find((l) => l.action === 'source' && l.target === 'Main/Thanks');
  assert.equal(shown?.value, true);
  assert.equal(shown?.outcome, 'ok');
  const refused = lines.find((l) => l.action === 'scene' && l.target === 'Secret');
  assert.equal(refused?.outcome, 'refused');
  assert.equal(refused?.code, 'FORBIDDEN');
  assert.equal(refused?.level, 'warn');
  assert.equal(lines.find((l) => l.action === 'text')?.value, 'Привет, чат!');
  assert.ok(lines.some((l) => l.action === 'record' && l.value === 'stop' && l.outcome === 'failed'), 'an OBS refusal is audited as failed');
  assert.ok(lines.some((l) => l.action === 'transform' && l.target === 'Main/Camera' && typeof l.value === 'string'));
  assert.ok(lines.every((l) => typeof l.request_id === 'string'));
});
