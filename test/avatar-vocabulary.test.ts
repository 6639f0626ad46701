import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { EMOTION_PRESETS } from '../frontend/src/avatar/emotion-presets.ts';
import { PROCEDURAL_MOTIONS, resolveMotion } from '../frontend/src/avatar/procedural-motions.ts';
import { STAGE_LAYERS, StageEnergy } from '../frontend/src/avatar/stage-energy.ts';
import { DEFAULT_EMOTIONS, DEFAULT_MOTIONS } from '../src/agent/persona-schema.ts';
import { TagVocabulary } from '../src/agent/text/tag-vocabulary.ts';
import { ROOT_DIR } from '../src/config/env.ts';
import { EMOTION_ALIASES, EMOTIONS, MOTION_ALIASES, MOTIONS, STAGE_CUES } from '../src/live2d/avatar-vocabulary.ts';

const tag = (kind: 'emotion' | 'motion' | 'stage' | 'bare', name: string) => ({ type: 'tag' as const, kind, name, raw: `[${kind}: ${name}]` });

test('the backend offers exactly the shared vocabulary by default, and the shipped config lists it', () => {
  assert.deepEqual([...DEFAULT_EMOTIONS], [...EMOTIONS]);
  assert.deepEqual([...DEFAULT_MOTIONS], [...MOTIONS]);
  const template = parse(readFileSync(path.join(ROOT_DIR, 'config_templates', 'conf.default.yaml'), 'utf8')) as { character: { emotions: string[]; motions: string[] } };
  assert.deepEqual(template.character.emotions, [...EMOTIONS], 'conf.default.yaml character.emotions');
  assert.deepEqual(template.character.motions, [...MOTIONS], 'conf.default.yaml character.motions');
  for (const file of ['default.yaml', 'neiri.yaml']) {
    const c = parse(readFileSync(path.join(ROOT_DIR, 'characters', file), 'utf8')) as { emotions?: string[]; motions?: string[] };
    for (const e of c.emotions ?? []) assert.ok((EMOTIONS as readonly string[]).includes(e), `${file}: emotion ${e} has an animation`);
    for (const m of c.motions ?? []) assert.ok((MOTIONS as readonly string[]).includes(m), `${file}: motion ${m} has an animation`);
  }
});

test('every name and alias the backend resolves is one the page animates', () => {
  const vocab = new TagVocabulary(DEFAULT_EMOTIONS, DEFAULT_MOTIONS);
  for (const [written, target] of Object.entries(EMOTION_ALIASES)) {
    assert.ok((EMOTIONS as readonly string[]).includes(target), `alias ${written} → ${target}`);
    assert.deepEqual(vocab.resolve(tag('emotion', written)), { kind: 'emotion', name: target });
  }
  for (const [written, target] of Object.entries(MOTION_ALIASES)) {
    assert.deepEqual(vocab.resolve(tag('motion', written)), { kind: 'motion', name: target });
    assert.equal(resolveMotion(written), target, `the page resolves ${written} the same way`);
  }
  for (const e of EMOTIONS) {
    assert.deepEqual(vocab.resolve(tag('emotion', e)), { kind: 'emotion', name: e });
    assert.ok(Object.hasOwn(EMOTION_PRESETS, e), `preset for ${e}`);
  }
  for (const m of MOTIONS) {
    assert.deepEqual(vocab.resolve(tag('bare', m)), { kind: 'motion', name: m });
    const motion = PROCEDURAL_MOTIONS[m];
    const peak = Math.max(...[0.1, 0.25, 0.4, 0.5, 0.6, 0.75].map((p) => Math.max(...Object.values(motion.at(p)).map((v) => Math.abs(v ?? 0)))));
    assert.ok(peak > 0.5, `${m} moves something (peak offset ${peak.toFixed(2)})`);
    assert.ok(Object.values(motion.at(0)).every((v) => Math.abs(v ?? 0) < 1e-6) && Object.values(motion.at(1)).every((v) => Math.abs(v ?? 0) < 1e-6), `${m} starts and ends at rest`);
  }
  // A model speaking Russian may write Russian words; they map like the English ones (the parser
  // lower-cases and joins words with _), and unknown words in either language are dropped.
  assert.deepEqual(vocab.resolve(tag('emotion', 'радость')), { kind: 'emotion', name: 'joy' });
  assert.deepEqual(vocab.resolve(tag('bare', 'смущение')), { kind: 'emotion', name: 'shy' });
  assert.deepEqual(vocab.resolve(tag('motion', 'поклон')), { kind: 'motion', name: 'bow' });
  assert.deepEqual(vocab.resolve(tag('motion', 'покачать_головой')), { kind: 'motion', name: 'shake_head' });
  assert.equal(resolveMotion('Покачать головой'), 'shake_head', 'the page normalizes the same way');
  assert.equal(vocab.resolve(tag('emotion', 'флегматичность')), undefined);
  assert.equal(vocab.resolve(tag('emotion', 'flabbergasted')), undefined);
  assert.equal(vocab.resolve(tag('emotion', 'constructor')), undefined);
  assert.equal(resolveMotion('__proto__'), undefined);
});

test('stage cues: any well-formed name reaches the bus; the page knows hype and calm, which fade in and out', () => {
  const vocab = new TagVocabulary(DEFAULT_EMOTIONS, DEFAULT_MOTIONS);
  assert.deepEqual(vocab.resolve(tag('stage', 'intermission')), { kind: 'stage', name: 'intermission' });
  assert.deepEqual(Object.keys(STAGE_LAYERS).sort(), [...STAGE_CUES].sort());
  const energy = new StageEnergy(10_000);
  assert.equal(energy.current, 'normal');
  energy.set('hype', 0);
  const start = energy.sample(0);
  assert.ok(Object.entries(start).every(([, v]) => Math.abs(v ?? 0) < 1e-9), 'fades in from nothing');
  const swing = Math.max(...[1000, 1300, 1600, 1900].map((t) => Math.abs(energy.sample(t).angleZ ?? 0)));
  assert.ok(swing > 4, `hype sways the head (${swing.toFixed(1)}°)`);
  energy.set('calm', 2000);
  assert.equal(energy.current, 'calm');
  const calmSwing = Math.max(...[4000, 5000, 6000, 7000].map((t) => Math.abs(energy.sample(t).angleZ ?? 0)));
  assert.ok(calmSwing < swing / 3, `calm sways far less (${calmSwing.toFixed(1)}°)`);
  assert.ok((energy.sample(5000).eyeOpen ?? 0) < -0.2, 'calm lowers the eyelids');
  energy.sample(12_500);
  assert.equal(energy.current, 'normal', 'a cue ends after its hold time');
});
