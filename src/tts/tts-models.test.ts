import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import pino from 'pino';
import { findModel, loadRegistry } from '../models/model-registry.ts';
import { EngineChain } from './engine-chain.ts';
import { NEUTRAL_PROSODY } from './engine.ts';
import { EspeakEngine } from './engines/espeak-engine.ts';
import { SherpaEngine } from './engines/sherpa-engine.ts';
import { TTS_MODELS, pickTtsModel } from './tts-models.ts';

test('every offline TTS model the sherpa engine knows is in the models registry with its files', () => {
  const registry = loadRegistry();
  for (const spec of TTS_MODELS) {
    const entry = findModel(registry, spec.id);
    assert.ok(entry, `${spec.id} is in src/models/registry.json`);
    assert.equal(entry.kind, 'tts');
    assert.equal(entry.engine, 'sherpa');
    for (const file of Object.values(spec.files)) assert.ok(entry.expect.includes(file), `${spec.id}: registry expects ${file}`);
  }
});

test('the sherpa engine is unavailable with a pull hint until its model files are present', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tts-models-'));
  try {
    const engine = new SherpaEngine({ modelsDir: dir, model: '', language: 'en', numThreads: 1 });
    const none = await engine.probe();
    assert.equal(none.ok, false);
    assert.match(none.detail ?? '', /no offline TTS model for "en"/);
    const named = await new SherpaEngine({ modelsDir: dir, model: 'vits-piper-en_US-amy-low', language: 'en', numThreads: 1 }).probe();
    assert.match(named.detail ?? '', /npm run models -- pull vits-piper-en_US-amy-low/);
    const model = path.join(dir, 'vits-piper-en_US-amy-low');
    mkdirSync(path.join(model, 'espeak-ng-data'), { recursive: true });
    writeFileSync(path.join(model, 'en_US-amy-low.onnx'), '');
    writeFileSync(path.join(model, 'tokens.txt'), '');
    assert.equal(pickTtsModel('', 'en-US', dir)?.id, 'vits-piper-en_US-amy-low', 'the installed model for the language is picked');
    assert.equal(pickTtsModel('', 'ru', dir), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;

test('a broken sherpa model install fails that segment over to espeak-ng (real sherpa-onnx, real espeak-ng)', { skip: hasEspeak ? false : 'espeak-ng is not installed' }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tts-broken-'));
  try {
    const model = path.join(dir, 'vits-piper-en_US-amy-low');
    mkdirSync(path.join(model, 'espeak-ng-data'), { recursive: true });
    writeFileSync(path.join(model, 'en_US-amy-low.onnx'), 'not an onnx model');
    writeFileSync(path.join(model, 'tokens.txt'), 'a 1\n');
    const sherpa = new SherpaEngine({ modelsDir: dir, model: '', language: 'en', numThreads: 1 });
    const espeak = new EspeakEngine();
    assert.equal((await sherpa.probe()).ok, true, 'files are present, so the probe passes');
    const chain = new EngineChain(
      [
        { engine: sherpa, voice: '0' },
        { engine: espeak, voice: 'en-us' },
      ],
      { firstAudioTimeoutMs: 5000, stallTimeoutMs: 5000, failuresBeforeCooldown: 1, cooldownMs: 60_000, cacheEntries: 0, cacheMaxSeconds: 10 },
      pino({ level: 'silent' }),
    );
    let samples = 0;
    const engines = new Set<string>();
    for await (const c of chain.synthesize('Hello there.', NEUTRAL_PROSODY, new AbortController().signal)) {
      samples += c.chunk.pcm.length;
      engines.add(c.engine);
    }
    assert.deepEqual([...engines], ['espeak']);
    assert.ok(samples > 5000);
    const health = chain.snapshot().sherpa;
    assert.equal(health?.state, 'cooldown');
    assert.match(health?.lastError ?? '', /OfflineTts/);
    espeak.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
