import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STREAMER, type InputItem } from '../../../src/core/input.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

const RULES = [
  { on: 'emotion', emotions: ['angry'], action: { type: 'filter', source: 'Camera', filter: 'shake', enabled: true }, duration_ms: 400 },
  { on: 'input', kinds: ['donation'], action: { type: 'source', scene: 'Main', source: 'Thanks', visible: true }, duration_ms: 300 },
  { on: 'reply_segment', action: { type: 'text', source: 'Subtitle' } },
];

function textInput(text: string): InputItem {
  return { id: `in-${Math.random()}`, kind: 'text', text, user: STREAMER, receivedAt: performance.now() };
}

async function withTriggers(rules: unknown[], fn: (ctx: { fake: FakeObsServer; td: Awaited<ReturnType<typeof startObsDaemon>> }) => Promise<void>): Promise<void> {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { triggers: rules });
  try {
    await waitForObsStatus(td, connected);
    await fn({ fake, td });
  } finally {
    await td.stop();
    await fake.stop();
  }
}

test('angry emotion enables the shake filter and reverts on time even though the turn was aborted', async () => {
  await withTriggers(RULES, async ({ fake, td }) => {
    const turn = td.daemon.turns.begin(textInput('you broke my stream'));
    td.daemon.bus.emit('reply.segment', { turnId: turn.id, index: 0, text: 'How dare you!', emotion: 'angry' });
    const on = await fake.waitForRequest('SetSourceFilterEnabled', (d) => d.filterEnabled === true);
    const firedAt = performance.now();
    assert.deepEqual(on.requestData, { sourceName: 'Camera', filterName: 'shake', filterEnabled: true });
    turn.abort('interrupted');
    td.daemon.turns.end(turn, 'interrupted');
    const off = await fake.waitForRequest('SetSourceFilterEnabled', (d) => d.filterEnabled === false, 3000);
    const ms = performance.now() - firedAt;
    assert.deepEqual(off.requestData, { sourceName: 'Camera', filterName: 'shake', filterEnabled: false });
    assert.ok(ms >= 350 && ms < 2000, `reverted after ${Math.round(ms)} ms`);
    assert.equal(fake.filterEnabled.get('Camera/shake'), false);
    // Other emotions do nothing.
    const before = fake.requests.length;
    td.daemon.bus.emit('reply.segment', { turnId: turn.id, index: 1, text: 'fine', emotion: 'joy' });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.requests.slice(before).filter((r) => r.requestType === 'SetSourceFilterEnabled').length, 0);
  });
});

test('a donation shows the Thanks source for its duration, then hides it', async () => {
  await withTriggers(RULES, async ({ fake, td }) => {
    td.daemon.input.push({ kind: 'donation', text: 'keep it up', user: { id: 'twitch:1', displayName: 'Ann', platform: 'twitch' }, amount: 5, currency: 'USD' });
    const show = await fake.waitForRequest('SetSceneItemEnabled', (d) => d.sceneItemEnabled === true);
    assert.deepEqual(show.requestData, { sceneName: 'Main', sceneItemId: 2, sceneItemEnabled: true });
    const t0 = performance.now();
    const hide = await fake.waitForRequest('SetSceneItemEnabled', (d) => d.sceneItemEnabled === false, 3000);
    assert.deepEqual(hide.requestData, { sceneName: 'Main', sceneItemId: 2, sceneItemEnabled: false });
    assert.ok(performance.now() - t0 >= 250);
    assert.equal(fake.requests.filter((r) => r.requestType === 'GetSceneItemId').every((r) => r.requestData.sourceName === 'Thanks'), true);
  });
});

test('each reply segment sets the Subtitle text in order', async () => {
  await withTriggers(RULES, async ({ fake, td }) => {
    td.daemon.bus.emit('reply.segment', { turnId: 't1', index: 0, text: 'Hello there.' });
    td.daemon.bus.emit('reply.segment', { turnId: 't1', index: 1, text: 'Welcome back!' });
    await fake.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text: string }).text === 'Welcome back!');
    const texts = fake.requests.filter((r) => r.requestType === 'SetInputSettings').map((r) => (r.requestData.inputSettings as { text: string }).text);
    assert.deepEqual(texts, ['Hello there.', 'Welcome back!']);
    assert.equal(fake.inputText.get('Subtitle'), 'Welcome back!');
  });
});

test('stopping the daemon while a timed action runs reverts it at once', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, { triggers: [{ ...RULES[0], duration_ms: 60_000 }] });
  try {
    await waitForObsStatus(td, connected);
    td.daemon.bus.emit('reply.segment', { turnId: 't', index: 0, text: 'grr', emotion: 'angry' });
    await fake.waitForRequest('SetSourceFilterEnabled', (d) => d.filterEnabled === true);
    const t0 = performance.now();
    await td.stop();
    assert.ok(performance.now() - t0 < 5000);
    assert.equal(fake.filterEnabled.get('Camera/shake'), false, 'the filter is off after shutdown');
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('idle with no turn switches to BRB, and the next turn switches back', async () => {
  const rules = [{ on: 'idle', idle_ms: 1000, action: { type: 'scene', name: 'BRB' } }];
  await withTriggers(rules, async ({ fake, td }) => {
    const t0 = performance.now();
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB', 4000);
    assert.ok(performance.now() - t0 >= 700, 'waited for the idle time');
    assert.equal(fake.currentScene, 'BRB');
    const turn = td.daemon.turns.begin(textInput('back!'));
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'Main', 3000);
    td.daemon.turns.end(turn);
    assert.equal(fake.currentScene, 'Main');
  });
});
