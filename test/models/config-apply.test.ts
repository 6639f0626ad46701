import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT_DIR } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config-schema.ts';
import { applyConfigLines, describePlan, parseKey } from '../../src/models/config-apply.ts';
import { findModel, loadRegistry, type ModelEntry } from '../../src/models/model-registry.ts';
import { configLinesOf } from '../../src/models/profile-pull.ts';

const registry = loadRegistry();
const root = mkdtempSync(path.join(os.tmpdir(), 'vtuber-config-apply-'));
after(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string, edit: (text: string) => string = (t) => t, character = 'display_name: Aria\nlanguage: en\n'): { conf: string; chars: string } {
  const dir = path.join(root, name);
  const chars = path.join(dir, 'characters');
  mkdirSync(chars, { recursive: true });
  const conf = path.join(dir, 'conf.yaml');
  copyFileSync(path.join(ROOT_DIR, 'config_templates', 'conf.default.yaml'), conf);
  writeFileSync(conf, edit(readFileSync(conf, 'utf8')));
  writeFileSync(path.join(chars, 'default.yaml'), character);
  return { conf, chars };
}

const profileEntries = (id: string): ModelEntry[] => (registry.profiles[id]?.models ?? []).map((n) => findModel(registry, n) as ModelEntry);

test('keys with list selectors parse', () => {
  assert.deepEqual(parseKey('character.llm.providers[type=llama_cpp].model_path'), ['character', 'llm', 'providers', { field: 'type', equals: 'llama_cpp' }, 'model_path']);
  assert.deepEqual(parseKey('a.b[2].c'), ['a', 'b', 2, 'c']);
  assert.throws(() => parseKey('a..b'), /bad config key a\.\.b/);
});

test('ru profile: --apply writes only the lines still at their defaults, keeps comments, backs up, and the result loads', () => {
  const { conf, chars } = workspace('ru');
  const before = readFileSync(conf, 'utf8');
  const lines = configLinesOf(profileEntries('ru'));
  assert.ok(lines.some((l) => l.key === 'asr.model' && String(l.value).includes('-ru-')), JSON.stringify(lines));

  const dry = applyConfigLines(conf, chars, lines, false);
  assert.equal(readFileSync(conf, 'utf8'), before, 'a plan alone changes nothing');
  const byKey = Object.fromEntries(dry.plan.map((l) => [l.key, l.state]));
  assert.equal(byKey['asr.model'], 'set');
  assert.equal(byKey['asr.engine'], 'already');
  assert.equal(byKey['memory.embedder.type'], 'already');
  assert.equal(byKey['character.llm.providers[type=llama_cpp].model_path'], 'already');
  assert.match(describePlan(dry.plan, false), /to set\s+asr\.model: "sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16"/);

  const done = applyConfigLines(conf, chars, lines, true);
  assert.equal(done.written, 1);
  assert.equal(readFileSync(`${conf}.backup`, 'utf8'), before);
  const after = readFileSync(conf, 'utf8');
  assert.match(after, /\n {2}model: sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16\n/);
  assert.match(after, /# Speech recognition of what the VAD hears\./, 'comments are kept');
  assert.equal(after.split('\n').length, before.split('\n').length, 'one value changed in place, no lines added or lost');
  const loaded = loadConfig({ configPath: conf, charactersDir: chars, migrate: false });
  assert.equal(loaded.config.asr.model, 'sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16');
});

test('a value the streamer chose is kept, the 3B model replaces only the default path, and a character override is named', () => {
  const { conf, chars } = workspace(
    'mixed',
    (t) => t.replace("  model: ''\n  # Language hint", '  model: my-own-asr\n  # Language hint'),
    'display_name: Aria\nlanguage: en\nllm:\n  providers:\n    - type: openai\n      url: http://127.0.0.1:9999/v1\n      model: x\n',
  );
  const ru = applyConfigLines(conf, chars, configLinesOf(profileEntries('ru')), true);
  const asr = ru.plan.find((l) => l.key === 'asr.model');
  assert.deepEqual([asr?.state, asr?.current], ['kept', 'my-own-asr']);
  const llm = ru.plan.find((l) => l.key.startsWith('character.llm'));
  assert.equal(llm?.state, 'overridden');
  assert.match(describePlan(ru.plan, true), /character file wins\s+character\.llm\.providers\[type=llama_cpp\]\.model_path/);
  assert.equal(ru.written, 0);

  const { conf: conf3, chars: chars3 } = workspace('three-b');
  const big = applyConfigLines(conf3, chars3, configLinesOf([findModel(registry, 'qwen2.5-3b-instruct-q4_k_m') as ModelEntry]), true);
  assert.equal(big.written, 1);
  const loaded = loadConfig({ configPath: conf3, charactersDir: chars3, migrate: false });
  const provider = loaded.config.character.llm.providers[0] as { type: string; model_path?: string };
  assert.deepEqual([provider.type, provider.model_path], ['llama_cpp', 'qwen2.5-3b-instruct-q4_k_m/qwen2.5-3b-instruct-q4_k_m.gguf']);
});

test('no llama_cpp provider in conf.yaml: the line is left to the streamer with the reason; no conf.yaml: says how it is made', () => {
  const { conf, chars } = workspace('no-local', (t) =>
    t.replace(/ {4}providers:\n(?: {6}.*\n| {8}.*\n)+/, '    providers:\n      - type: openai\n        url: http://127.0.0.1:11434/v1\n        model: qwen2.5:1.5b\n'),
  );
  const res = applyConfigLines(conf, chars, configLinesOf([findModel(registry, 'qwen2.5-3b-instruct-q4_k_m') as ModelEntry]), true);
  assert.equal(res.plan[0]?.state, 'unsafe', describePlan(res.plan, true));
  assert.match(res.plan[0]?.why ?? '', /no item with type: llama_cpp in character\.llm\.providers/);
  assert.equal(res.written, 0);
  const none = applyConfigLines(path.join(root, 'nowhere', 'conf.yaml'), chars, [{ key: 'asr.model', value: 'x' }], true);
  assert.match(none.noConfig ?? '', /npm start creates it from config_templates\/conf\.default\.yaml/);
});

test('an absent key is inserted into its block with the block indentation; a missing block is appended', () => {
  const { conf, chars } = workspace('absent', (t) => t.replace("  model: ''\n  # Language hint", '  # Language hint') + '# end of file\n');
  const res = applyConfigLines(conf, chars, [{ key: 'asr.model', value: 'sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16' }], true);
  assert.equal(res.written, 1, describePlan(res.plan, true));
  const text = readFileSync(conf, 'utf8');
  assert.match(text, /\nasr:\n(?:\s*#.*\n)* {2}model: sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16\n/);
  assert.equal(loadConfig({ configPath: conf, charactersDir: chars, migrate: false }).config.asr.model, 'sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16');

  const bare = path.join(root, 'bare');
  mkdirSync(path.join(bare, 'characters'), { recursive: true });
  writeFileSync(path.join(bare, 'characters', 'default.yaml'), 'display_name: A\n');
  writeFileSync(path.join(bare, 'conf.yaml'), '# mine\nactive_character: default\n');
  const r2 = applyConfigLines(path.join(bare, 'conf.yaml'), path.join(bare, 'characters'), [{ key: 'asr.model', value: 'm1' }], true);
  assert.equal(r2.written, 1);
  assert.equal(readFileSync(path.join(bare, 'conf.yaml'), 'utf8'), '# mine\nactive_character: default\nasr:\n  model: m1\n');
});
