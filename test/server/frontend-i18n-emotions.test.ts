import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMOTION_NAMES, EMOTION_PRESETS, resolveEmotion } from '../../frontend/src/avatar/emotion-presets.ts';
import { EN } from '../../frontend/src/shared/i18n-en.ts';
import { RU } from '../../frontend/src/shared/i18n-ru.ts';

test('English and Russian UI strings have the same keys and placeholders, none empty', () => {
  assert.deepEqual(Object.keys(RU).sort(), Object.keys(EN).sort());
  for (const [k, en] of Object.entries(EN)) {
    const ru = RU[k as keyof typeof EN];
    assert.ok(ru.trim().length > 0, `ru ${k} is empty`);
    assert.deepEqual(ru.match(/\{\w+\}/g) ?? [], en.match(/\{\w+\}/g) ?? [], `placeholders of ${k}`);
  }
});

test('at least 12 emotions, each with its own face blend; aliases resolve, unknown names do not', () => {
  assert.ok(EMOTION_NAMES.length >= 12);
  const faces = EMOTION_NAMES.map((n) => JSON.stringify(Object.entries(EMOTION_PRESETS[n] ?? {}).filter(([k]) => !k.startsWith('angle') && k !== 'bodyX')));
  assert.equal(new Set(faces).size, faces.length, 'no two emotions share the same face parameters');
  assert.equal(resolveEmotion('Happy'), 'happy');
  assert.equal(resolveEmotion('embarrassed'), 'shy');
  assert.equal(resolveEmotion('toString'), undefined);
  assert.equal(resolveEmotion('__proto__'), undefined);
  assert.equal(resolveEmotion('no-such-feeling'), undefined);
});
