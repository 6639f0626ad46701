import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { api, connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

let fake: FakeObsServer;
let td: TestDaemon;

before(async () => {
  fake = new FakeObsServer();
  await fake.start();
  td = await startObsDaemon(fake);
  await waitForObsStatus(td, connected);
});

after(async () => {
  await td.stop();
  await fake.stop();
});

/** The requests the fake received while `fn` ran. */
async function requestsDuring(fn: () => Promise<unknown>): Promise<Array<{ requestType: string; requestData: Record<string, unknown> }>> {
  const from = fake.requests.length;
  await fn();
  return fake.requests.slice(from).map(({ requestType, requestData }) => ({ requestType, requestData }));
}

test('POST /scene sends SetCurrentProgramScene by name', async () => {
  let res: Awaited<ReturnType<typeof api>> | undefined;
  const sent = await requestsDuring(async () => (res = await api(td, 'POST', '/scene', { name: 'BRB' })));
  assert.equal(res?.status, 200);
  assert.deepEqual(sent, [{ requestType: 'SetCurrentProgramScene', requestData: { sceneName: 'BRB' } }]);
  assert.equal(fake.currentScene, 'BRB');
});

test('POST /source finds the scene item by source name, then sets it enabled', async () => {
  const sent = await requestsDuring(async () => assert.equal((await api(td, 'POST', '/source', { scene: 'Main', source: 'Thanks', visible: false })).status, 200));
  assert.deepEqual(sent, [
    { requestType: 'GetSceneItemId', requestData: { sceneName: 'Main', sourceName: 'Thanks' } },
    { requestType: 'SetSceneItemEnabled', requestData: { sceneName: 'Main', sceneItemId: 2, sceneItemEnabled: false } },
  ]);
  assert.equal(fake.itemEnabled.get('Main/Thanks'), false);
});

test('POST /text sets the text input settings with overlay, braces kept literally', async () => {
  const sent = await requestsDuring(async () => assert.equal((await api(td, 'POST', '/text', { source: 'Subtitle', text: 'hello {user}' })).status, 200));
  assert.deepEqual(sent, [{ requestType: 'SetInputSettings', requestData: { inputName: 'Subtitle', inputSettings: { text: 'hello {user}' }, overlay: true } }]);
  assert.equal(fake.inputText.get('Subtitle'), 'hello {user}');
});

test('POST /filter sends SetSourceFilterEnabled', async () => {
  const sent = await requestsDuring(async () => assert.equal((await api(td, 'POST', '/filter', { source: 'Camera', filter: 'shake', enabled: true })).status, 200));
  assert.deepEqual(sent, [{ requestType: 'SetSourceFilterEnabled', requestData: { sourceName: 'Camera', filterName: 'shake', filterEnabled: true } }]);
  assert.equal(fake.filterEnabled.get('Camera/shake'), true);
});

test('POST /media sends TriggerMediaInputAction with the obs-websocket action constant', async () => {
  const sent = await requestsDuring(async () => assert.equal((await api(td, 'POST', '/media', { source: 'Stinger', action: 'restart' })).status, 200));
  assert.deepEqual(sent, [{ requestType: 'TriggerMediaInputAction', requestData: { inputName: 'Stinger', mediaAction: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART' } }]);
});

test('GET /scenes lists scenes in UI order with the allow-list marked; GET /status shows versions', async () => {
  const scenes = await api(td, 'GET', '/scenes');
  assert.equal(scenes.status, 200);
  assert.deepEqual(scenes.body.scenes, [
    { name: 'Main', allowed: true },
    { name: 'BRB', allowed: true },
  ]);
  const status = await api(td, 'GET', '/status');
  assert.equal(status.status, 200);
  assert.equal(status.body.state, 'connected');
  assert.deepEqual(status.body.versions, { obsVersion: '29.1.3', obsWebSocketVersion: '5.0.1', rpcVersion: 1 });
  assert.ok(!('password' in status.body));
});

test('targets outside the allow-list get 403 and never reach OBS', async () => {
  const sent = await requestsDuring(async () => {
    const scene = await api(td, 'POST', '/scene', { name: 'Secret scene' });
    assert.equal(scene.status, 403);
    assert.deepEqual(scene.body, { error: { code: 'FORBIDDEN', message: 'scene "Secret scene" is not in allow.scenes' } });
    assert.equal((await api(td, 'POST', '/source', { scene: 'Main', source: 'Camera', visible: false })).status, 403);
    assert.equal((await api(td, 'POST', '/text', { source: 'Camera', text: 'x' })).status, 403);
    assert.equal((await api(td, 'POST', '/filter', { source: 'Camera', filter: 'blur', enabled: true })).status, 403);
  });
  assert.deepEqual(sent, []);
});

test('a missing or wrong bearer token gets 401', async () => {
  const none = await api(td, 'POST', '/scene', { name: 'Main' }, null);
  assert.equal(none.status, 401);
  assert.equal((none.body.error as { code: string }).code, 'UNAUTHORIZED');
  assert.equal((await api(td, 'GET', '/status', undefined, 'wrong-token')).status, 401);
});

test('an invalid body names the field', async () => {
  const res = await api(td, 'POST', '/source', { scene: 'Main', source: 'Thanks', visible: 'yes' });
  assert.equal(res.status, 400);
  assert.match((res.body.error as { message: string }).message, /^visible: /);
});

test('an allow-listed source that OBS does not have gives 404 with a clear message (requestStatus 600)', async () => {
  fake.handlers.set('SetSourceFilterEnabled', () => ({ code: 600, comment: 'No source was found by the name of `Camera`.' }));
  try {
    const res = await api(td, 'POST', '/filter', { source: 'Camera', filter: 'shake', enabled: false });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: { code: 'NOT_FOUND', message: 'OBS has no filter "shake" on source "Camera" (or no such source)' } });
  } finally {
    fake.handlers.delete('SetSourceFilterEnabled');
  }
});

test('a request OBS never answers times out with 504 within the request timeout', async () => {
  fake.handlers.set('SetCurrentProgramScene', () => 'hang');
  try {
    const t0 = performance.now();
    const res = await api(td, 'POST', '/scene', { name: 'Main' });
    const ms = performance.now() - t0;
    assert.equal(res.status, 504);
    assert.equal((res.body.error as { code: string }).code, 'TIMEOUT');
    assert.match((res.body.error as { message: string }).message, /SetCurrentProgramScene within 500 ms/);
    assert.ok(ms >= 450 && ms < 3000, `answered after ${Math.round(ms)} ms`);
  } finally {
    fake.handlers.delete('SetCurrentProgramScene');
  }
  assert.equal((await api(td, 'POST', '/scene', { name: 'Main' })).status, 200, 'the connection still works afterwards');
});

test('requests beyond the rate limit get 429', async () => {
  const small = await startObsDaemon(fake, { rate_limit: { per_second: 1, burst: 3 } });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await api(small, 'GET', '/status')).status);
    assert.deepEqual(codes.slice(0, 3), [200, 200, 200]);
    assert.ok(codes.slice(3).includes(429), `codes ${codes.join(',')}`);
  } finally {
    await small.stop();
  }
});

test('callers without the token do not use up the token holder\'s rate limit', async () => {
  const small = await startObsDaemon(fake, { rate_limit: { per_second: 0.1, burst: 3 } });
  try {
    const anonymous: number[] = [];
    for (let i = 0; i < 30; i++) anonymous.push((await api(small, 'GET', '/status', undefined, null)).status);
    assert.ok(anonymous.every((c) => c === 401 || c === 429), `anonymous codes ${anonymous.join(',')}`);
    assert.ok(anonymous.includes(429), 'failed attempts are limited per address');
    const wrong: number[] = [];
    for (let i = 0; i < 5; i++) wrong.push((await api(small, 'GET', '/status', undefined, 'wrong-token')).status);
    assert.ok(wrong.every((c) => c === 401 || c === 429), `wrong-token codes ${wrong.join(',')}`);
    const res = await api(small, 'GET', '/status');
    assert.equal(res.status, 200, 'the right token still gets in');
    const codes = [res.status];
    for (let i = 0; i < 4; i++) codes.push((await api(small, 'GET', '/status')).status);
    assert.deepEqual(codes.slice(0, 3), [200, 200, 200], `token holder codes ${codes.join(',')}`);
    assert.ok(codes.slice(3).includes(429), 'the token holder is still rate-limited');
  } finally {
    await small.stop();
  }
});
