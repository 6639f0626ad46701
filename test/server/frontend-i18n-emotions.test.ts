import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EMOTION_NAMES, EMOTION_PRESETS, resolveEmotion } from '../../frontend/src/avatar/emotion-presets.ts';
import { EN } from '../../frontend/src/shared/i18n-en.ts';
import { RU } from '../../frontend/src/shared/i18n-ru.ts';
import { ZH } from '../../frontend/src/shared/i18n-zh.ts';
import { ROOT_DIR } from '../../src/config/env.ts';

test('English, Russian and Chinese UI strings have the same keys and placeholders, none empty', () => {
  for (const [lang, table] of [['ru', RU], ['zh', ZH]] as const) {
    assert.deepEqual(Object.keys(table).sort(), Object.keys(EN).sort(), `${lang} keys`);
    for (const [k, en] of Object.entries(EN)) {
      const text = table[k as keyof typeof EN];
      assert.ok(text.trim().length > 0, `${lang} ${k} is empty`);
      assert.deepEqual((text.match(/\{\w+\}/g) ?? []).sort(), (en.match(/\{\w+\}/g) ?? []).sort(), `${lang} placeholders of ${k}`);
    }
  }
  // Chinese strings are Chinese (the keys' proper names aside), not copies of the English ones.
  const copied = Object.entries(EN).filter(([k, en]) => ZH[k as keyof typeof EN] === en && /[a-z]{3}/.test(en) && !/^(Twitch|OBS|YouTube|VTube Studio|request_id)$/.test(en));
  assert.deepEqual(copied, [], 'untranslated zh strings');
  for (const html of ['index.html', 'admin.html']) {
    const page = readFileSync(path.join(ROOT_DIR, 'frontend', 'public', html), 'utf8');
    for (const lang of ['en', 'ru', 'zh']) assert.ok(page.includes(`<option value="${lang}">`), `${html} offers ${lang}`);
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
