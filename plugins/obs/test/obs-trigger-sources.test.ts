import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/config/config-error.ts';
import { startTestDaemon } from '../../../test/helpers/test-daemon.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { ObsConfigSchema } from '../config.ts';
import { ALLOW, connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

test('set_emotion (emotion.set) and [stage: ...] cues fire their rules; templates get the event fields', async () => {
  const fake = new FakeObsServer();
  await fake.start();
  const td = await startObsDaemon(fake, {
    triggers: [
      { on: 'emotion', emotions: ['angry'], action: { type: 'filter', source: 'Camera', filter: 'shake', enabled: true } },
      { on: 'stage', cues: ['hype'], action: { type: 'scene', name: 'BRB' } },
      { on: 'input', kinds: ['donation'], action: { type: 'text', source: 'Subtitle', text: '{user} donated {amount} {currency}: {message}' } },
      { on: 'input', kinds: ['raid'], action: { type: 'text', source: 'Subtitle', text: 'Raid of {viewers} from {user}!' } },
    ],
  });
  try {
    await waitForObsStatus(td, connected);
    td.daemon.bus.emit('emotion.set', { name: 'angry', source: 'mcp' });
    await fake.waitForRequest('SetSourceFilterEnabled', (d) => d.filterEnabled === true, 3000);
    td.daemon.bus.emit('agent.stage_cue', { turnId: 't1', name: 'calm' });
    td.daemon.bus.emit('agent.stage_cue', { turnId: 't1', name: 'hype' });
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB', 3000);
    assert.equal(fake.requests.filter((r) => r.requestType === 'SetCurrentProgramScene').length, 1, 'only the hype cue has a rule');
    td.daemon.input.push({ kind: 'donation', text: 'Аня donated 300 RUB', user: { id: 'da:1', displayName: 'Аня', platform: 'webhook' }, amount: 300, currency: 'RUB', message: 'за котика' });
    await fake.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text?: string }).text === 'Аня donated 300 RUB: за котика', 3000);
    td.daemon.input.push({ kind: 'raid', text: 'raid', user: { id: 'twitch:9', displayName: 'Bob', platform: 'twitch' }, viewers: 42 });
    await fake.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text?: string }).text === 'Raid of 42 from Bob!', 3000);
  } finally {
    await td.stop();
    await fake.stop();
  }
});

test('a template field the rule\'s events do not have is a config error naming the rule', () => {
  const res = ObsConfigSchema.safeParse({
    allow: ALLOW,
    triggers: [
      { on: 'reply_segment', action: { type: 'text', source: 'Subtitle', text: '{text}' } },
      { on: 'input', kinds: ['raid'], action: { type: 'text', source: 'Subtitle', text: '{user} gave {amount}' } },
    ],
  });
  assert.equal(res.success, false);
  const issue = res.error?.issues[0];
  assert.deepEqual(issue?.path, ['triggers', 1, 'action', 'text']);
  assert.match(issue?.message ?? '', /trigger rule 1: \{amount\} is not a field of "input" events; use \{text\}, \{user\}, \{kind\}, \{viewers\}/);
});

test('trigger sources and input kinds are closed lists: a typo stops the daemon at start with its path', async () => {
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: ['obs'], obs: { allow: ALLOW, triggers: [{ on: 'input', kinds: ['donaton'], action: { type: 'scene', name: 'BRB' } }] } } } }),
    (err: unknown) => err instanceof ConfigError && /plugins\.obs\.triggers\.0\.kinds\.0/.test(err.message),
  );
  await assert.rejects(
    startTestDaemon({ config: { plugins: { enabled: ['obs'], obs: { allow: ALLOW, triggers: [{ on: 'emote', emotions: ['joy'], action: { type: 'scene', name: 'BRB' } }] } } } }),
    (err: unknown) => err instanceof ConfigError && /plugins\.obs\.triggers\.0/.test(err.message),
  );
});
