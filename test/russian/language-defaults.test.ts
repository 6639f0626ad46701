import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { StreamSegmenter } from '../../src/agent/text/segmenter.ts';
import { asrConfigForLanguage } from '../../src/asr/asr-language.ts';
import { ROOT_DIR } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config-schema.ts';
import { configuredEngines, voiceFor } from '../../src/tts/index.ts';
import { TTS_MODELS } from '../../src/tts/tts-models.ts';

// `character.language` is the one setting: ASR model, voices, segmenter and UI follow it unless set.
const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-lang-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const charactersDir = path.join(ROOT_DIR, 'characters');

function load(name: string, yaml: string): ReturnType<typeof loadConfig>['config'] {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig({ configPath: file, charactersDir }).config;
}

/** A models dir where the offline TTS models are "installed" (the files the probe looks for). */
function modelsDirWith(ids: readonly string[]): string {
  const root = mkdtempSync(path.join(dir, 'models-'));
  for (const spec of TTS_MODELS.filter((m) => ids.includes(m.id))) {
    for (const f of Object.values(spec.files)) {
      const p = path.join(root, spec.id, f);
      if (f === spec.files.dataDir) mkdirSync(p, { recursive: true });
      else {
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, '');
      }
    }
  }
  return root;
}

const BOTH_PIPERS = ['vits-piper-en_US-amy-low', 'vits-piper-ru_RU-irina-medium'];

test('neiri is a Russian character and English stays the default', () => {
  assert.equal(load('neiri', 'active_character: neiri\n').character.language, 'ru');
  assert.equal(load('plain', '{}\n').character.language, 'en');
});

test('a Russian character with no asr model gets the Russian registry model of its engine', () => {
  const c = load('neiri-asr', 'active_character: neiri\n');
  const streaming = asrConfigForLanguage(c.asr, c.character.language);
  assert.equal(streaming.config.engine, 'zipformer-streaming');
  assert.equal(streaming.config.model, 'sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16');
  assert.deepEqual(streaming.fromLanguage, ['model']);
  const offline = asrConfigForLanguage({ ...c.asr, engine: 'nemo-ctc' }, 'ru');
  assert.equal(offline.config.model, 'sherpa-onnx-nemo-ctc-giga-am-v2-russian-2025-04-19');
  const whisper = asrConfigForLanguage({ ...c.asr, engine: 'whisper' }, 'ru-RU');
  assert.equal(whisper.config.language, 'ru', 'whisper gets the language hint');
  assert.equal(whisper.config.model, '', 'no Russian whisper in the registry: the engine default');
  assert.equal(asrConfigForLanguage(c.asr, 'en').config.model, 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17');
});

test('explicit asr settings win over the language', () => {
  const c = load('neiri-asr-explicit', 'active_character: neiri\nasr:\n  model: my-own-model\n  engine: whisper\n  language: uk\n');
  const r = asrConfigForLanguage(c.asr, c.character.language);
  assert.equal(r.config.model, 'my-own-model');
  assert.equal(r.config.language, 'uk');
  assert.deepEqual(r.fromLanguage, []);
});

test('a Russian character with no voice settings speaks Svetlana, then the Russian piper voice, then espeak-ng ru', async () => {
  const c = load('neiri-tts', 'active_character: neiri\n');
  const engines = configuredEngines(c, modelsDirWith(BOTH_PIPERS));
  assert.deepEqual(engines.map((e) => e.name), ['edge', 'sherpa', 'espeak']);
  assert.deepEqual(engines.map((e) => voiceFor(c.character, e)), ['ru-RU-SvetlanaNeural', '0', 'ru']);
  const sherpa = engines.find((e) => e.name === 'sherpa');
  assert.deepEqual(await sherpa?.probe(), { ok: true, detail: 'model vits-piper-ru_RU-irina-medium' }, 'the Russian piper model, not the first installed one');
  const en = load('plain-tts', '{}\n');
  const enEngines = configuredEngines(en, modelsDirWith(BOTH_PIPERS));
  assert.deepEqual(enEngines.map((e) => voiceFor(en.character, e)), ['en-US-AvaNeural', '0', 'en-us']);
  assert.deepEqual(await enEngines.find((e) => e.name === 'sherpa')?.probe(), { ok: true, detail: 'model vits-piper-en_US-amy-low' });
});

test('explicit voices and models win over the language', async () => {
  const c = load(
    'neiri-tts-explicit',
    'active_character: neiri\ncharacter:\n  voice:\n    engines: [espeak, sherpa, edge]\n    edge: { voice: ru-RU-DmitryNeural }\n    espeak: { voice: ru+f3 }\n    sherpa: { model: vits-piper-en_US-amy-low, speaker: 2 }\n',
  );
  // The character file does not set voice, so conf.yaml's character.voice block applies.
  assert.equal(c.character.language, 'ru');
  const engines = configuredEngines(c, modelsDirWith(BOTH_PIPERS));
  assert.deepEqual(engines.map((e) => e.name), ['espeak', 'sherpa', 'edge']);
  assert.deepEqual(engines.map((e) => voiceFor(c.character, e)), ['ru+f3', '2', 'ru-RU-DmitryNeural']);
  assert.deepEqual(await engines.find((e) => e.name === 'sherpa')?.probe(), { ok: true, detail: 'model vits-piper-en_US-amy-low' });
});

test('the Russian piper voice missing: the sherpa probe names the language and the chain falls to espeak-ng', async () => {
  const c = load('neiri-no-piper', 'active_character: neiri\n');
  const engines = configuredEngines(c, modelsDirWith(['vits-piper-en_US-amy-low']));
  const probe = await engines.find((e) => e.name === 'sherpa')?.probe();
  assert.equal(probe?.ok, false);
  assert.match(probe?.detail ?? '', /no offline TTS model for "ru"/);
});

test('the segmenter cuts Russian replies by the character locale, keeping Russian abbreviations whole', () => {
  const c = load('neiri-seg', 'active_character: neiri\n');
  const seg = new StreamSegmenter({ locale: c.character.language, firstClauseMaxWords: 1000, maxSegmentChars: 400 });
  const pieces = [...seg.push('Это т.е. шутка, и т.д. и т.п. Правда! А ты как думаешь? '), ...seg.flush()].map((p) => p.text.trim());
  // The first clause is cut early at its comma; т.е. and т.д. never end a sentence, т.п. does before a capital.
  assert.deepEqual(pieces, ['Это т.е. шутка,', 'и т.д. и т.п.', 'Правда!', 'А ты как думаешь?']);
});
