import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScenarioFileSchema } from '../agent/eval/persona-eval.ts';
import { INPUT_KIND_NAMES, INPUT_PRIORITY, inputFields, parseInputFields, type InputItem } from './input.ts';

test('every kind has a priority and a field schema in the one kind table', () => {
  assert.ok(INPUT_KIND_NAMES.length >= 13);
  for (const kind of INPUT_KIND_NAMES) assert.equal(typeof INPUT_PRIORITY[kind], 'number', kind);
  assert.ok(INPUT_PRIORITY.voice < INPUT_PRIORITY.donation && INPUT_PRIORITY.donation < INPUT_PRIORITY.chat && INPUT_PRIORITY.chat < INPUT_PRIORITY.proactive);
});

test('kind fields are checked by name: a wrong type or an unknown field is refused', () => {
  assert.deepEqual(parseInputFields('donation', { amount: 5, currency: 'EUR' }), { amount: 5, currency: 'EUR' });
  assert.throws(() => parseInputFields('donation', { amount: 'five', currency: 'EUR' }), /amount/);
  assert.throws(() => parseInputFields('raid', {}), /viewers/);
  assert.throws(() => parseInputFields('cheer', { bits: 10, verbatim: true }), /verbatim/);
});

test('inputFields gives only the kind\'s own fields, not the shared trace fields', () => {
  const item: InputItem = { id: 'i', kind: 'resub', text: 'Лояльный продлил подписку', user: { id: 'twitch:1', displayName: 'Лояльный', platform: 'twitch' }, receivedAt: 1, clientUid: 'c', requestId: 'r', source: 'twitch', sourceMessageId: 'm', months: 14, tier: 'Tier 2' };
  assert.deepEqual(inputFields(item), { months: 14, tier: 'Tier 2' });
});

test('a scenario step with a bad field names the step and the field', () => {
  const ok = ScenarioFileSchema.parse({ scenarios: [{ name: 'events', steps: [{ kind: 'donation', user: 'Mo', text: 'keep it up', fields: { amount: 5, currency: 'USD' } }] }] });
  assert.deepEqual(ok.scenarios[0]?.steps[0]?.fields, { amount: 5, currency: 'USD' });
  const bad = ScenarioFileSchema.safeParse({ scenarios: [{ name: 'events', steps: [{ kind: 'raid', fields: { viewers: -3 } }] }] });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error?.issues[0]?.path, ['scenarios', 0, 'steps', 0, 'fields', 'viewers']);
});
