import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { writeTestCtcModel, writeTestTransducerModel } from '../../scripts/make-test-models.ts';
import { AsrConfigSchema } from '../../src/asr/asr-config.ts';
import { asrConfigForLanguage } from '../../src/asr/asr-language.ts';
import { registerBuiltinAsrEngines } from '../../src/asr/builtin-engines.ts';
import { getAsrEngineFactory } from '../../src/asr/engine-registry.ts';
import { isEngineError } from '../../src/core/errors.ts';
import { findModel, loadRegistry } from '../../src/models/model-registry.ts';
import { speech } from '../helpers/speech-fixtures.ts';

// The Russian registry entries load through the engine's own sherpa-onnx config shapes. sherpa-onnx's
// docs load GigaAM v2 CTC as a NeMo CTC model (`--nemo-ctc-model`, Node `modelConfig.nemoCtc.model`,
// nodejs-addon-examples/test_asr_non_streaming_nemo_ctc.js) and the Vosk Russian zipformer as a
// streaming transducer (`modelConfig.transducer.{encoder,decoder,joiner}`,
// nodejs-addon-examples/test_asr_streaming_transducer.js). Real weights are not on this machine:
// the GigaAM layout is rebuilt with the repo's tiny random-weight NeMo CTC model and the Vosk layout
// with its tiny streaming transducer (scripts/make-test-models.ts), which exercise the real
// recognizer creation and decode.
const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-ru-asr-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const log = pino({ level: 'silent' });
const registry = loadRegistry();
const GIGAAM = 'sherpa-onnx-nemo-ctc-giga-am-v2-russian-2025-04-19';
const VOSK = 'sherpa-onnx-streaming-zipformer-small-ru-vosk-int8-2025-08-16';

test('each Russian registry entry names an engine the daemon has, with the files that engine looks for', () => {
  registerBuiltinAsrEngines();
  for (const name of [GIGAAM, VOSK]) {
    const entry = findModel(registry, name);
    assert.ok(entry, name);
    assert.deepEqual(entry.languages, ['ru']);
    assert.ok(entry.engine && getAsrEngineFactory(entry.engine), `${name}: engine ${entry.engine} is registered`);
    assert.equal(entry.config?.['asr.engine'], entry.engine);
    assert.equal(entry.config?.['asr.model'], name);
  }
  assert.equal(findModel(registry, GIGAAM)?.engine, 'nemo-ctc');
  assert.equal(findModel(registry, VOSK)?.engine, 'zipformer-streaming');
});

test('GigaAM v2 (nemo-ctc, ru) loads from its archive layout (model.int8.onnx + tokens.txt) and decodes speech', async () => {
  registerBuiltinAsrEngines();
  const written = writeTestCtcModel(dir);
  const folder = path.join(dir, GIGAAM);
  renameSync(written.dir, folder);
  renameSync(path.join(folder, 'model.onnx'), path.join(folder, 'model.int8.onnx'));
  const { config, fromLanguage } = asrConfigForLanguage(AsrConfigSchema.parse({ engine: 'nemo-ctc' }), 'ru', registry);
  assert.equal(config.model, GIGAAM);
  assert.deepEqual(fromLanguage, ['model']);
  const engine = await getAsrEngineFactory('nemo-ctc')?.create({ config, modelsDir: dir, log, env: process.env });
  assert.ok(engine);
  assert.equal(engine.model, GIGAAM);
  assert.equal(engine.streaming, false);
  const result = await engine.transcribe(speech('hello').samples);
  assert.equal(typeof result.text, 'string', 'random weights decode to some text, through the real recognizer');
  engine.dispose();
});

test('the Vosk Russian zipformer is looked for under its registry name, and a missing file names the pull command', async () => {
  registerBuiltinAsrEngines();
  const { config } = asrConfigForLanguage(AsrConfigSchema.parse({}), 'ru', registry);
  assert.equal(config.model, VOSK);
  const empty = mkdtempSync(path.join(dir, 'empty-'));
  await assert.rejects(getAsrEngineFactory('zipformer-streaming')!.create({ config, modelsDir: empty, log, env: process.env }), (err) => isEngineError(err) && err.code === 'MODEL_MISSING' && err.message.includes(`npm run models -- pull ${VOSK}`));
  // The archive's files (encoder.int8.onnx, decoder.onnx, joiner.int8.onnx, tokens.txt) are matched
  // to the transducer roles; a folder without a joiner is refused before sherpa-onnx sees it.
  const partial = path.join(dir, 'partial', VOSK);
  for (const f of ['encoder.int8.onnx', 'decoder.onnx', 'tokens.txt']) {
    const p = path.join(partial, f);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, '');
  }
  await assert.rejects(getAsrEngineFactory('zipformer-streaming')!.create({ config, modelsDir: path.join(dir, 'partial'), log, env: process.env }), (err) => isEngineError(err) && err.code === 'MODEL_MISSING' && /no joiner file/.test(err.message));
});

test('the Vosk Russian zipformer layout (encoder.int8, decoder, joiner.int8) loads as a streaming transducer and streams partials', async () => {
  registerBuiltinAsrEngines();
  const root = mkdtempSync(path.join(dir, 'vosk-'));
  writeTestTransducerModel(root, { folder: VOSK, names: { encoder: 'encoder.int8.onnx', decoder: 'decoder.onnx', joiner: 'joiner.int8.onnx' } });
  // No asr.model: the Russian character's language picks the folder.
  const { config } = asrConfigForLanguage(AsrConfigSchema.parse({}), 'ru', registry);
  const engine = await getAsrEngineFactory('zipformer-streaming')?.create({ config, modelsDir: root, log, env: process.env });
  assert.ok(engine?.createStream, 'a streaming engine');
  assert.equal(engine.model, VOSK);
  const stream = engine.createStream();
  const audio = speech('hello').samples;
  let partials = 0;
  for (let i = 0; i < audio.length; i += 1600) if (stream.accept(audio.subarray(i, i + 1600)) !== undefined) partials++;
  const final = stream.finish();
  assert.ok(partials > 0, 'partial transcripts while the audio streams');
  assert.equal(typeof final.text, 'string');
  assert.ok(final.text.length > 0, 'random weights emit tokens through the real transducer decode loop');
  engine.dispose();
});
