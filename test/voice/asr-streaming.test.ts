import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { writeTestStreamingCtcModel } from '../../scripts/make-test-models.ts';
import { AsrConfigSchema } from '../../src/asr/asr-config.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { registerBuiltinAsrEngines } from '../../src/asr/builtin-engines.ts';
import { getAsrEngineFactory } from '../../src/asr/engine-registry.ts';
import { float32ToInt16, int16ToPcm16leBytes } from '../../src/audio/pcm.ts';
import { ROOT_DIR } from '../../src/config/env.ts';
import type { InputItem } from '../../src/core/input.ts';
import { vadStage } from '../../src/vad/vad-stage.ts';
import { voiceStage } from '../../src/voice/voice-stage.ts';
import { concat, silence, speech } from '../helpers/speech-fixtures.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

const log = pino({ level: 'silent' });
registerBuiltinAsrEngines();

test('a streaming engine gives growing partials while audio flows and a final at the end', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-stream-'));
  try {
    const model = writeTestStreamingCtcModel(dir);
    const factory = getAsrEngineFactory('nemo-ctc-streaming');
    assert.ok(factory);
    const engine = await factory.create({ config: AsrConfigSchema.parse({ engine: 'nemo-ctc-streaming', model: model.dir }), modelsDir: dir, log, env: {} });
    assert.equal(engine.streaming, true);
    const stream = engine.createStream?.();
    assert.ok(stream);
    const audio = speech('hello').samples;
    const partials: string[] = [];
    for (let i = 0; i < audio.length; i += 512) {
      const p = stream.accept(audio.subarray(i, i + 512));
      if (p !== undefined) partials.push(p);
    }
    const final = stream.finish();
    assert.ok(partials.length >= 3, `partials: ${partials.length}`);
    for (let i = 1; i < partials.length; i++) assert.ok(partials[i]!.startsWith(partials[i - 1]!.trimEnd().split(' ').slice(0, -1).join(' ')), 'greedy CTC partials only grow');
    assert.ok(final.text.length >= partials.at(-1)!.length);
    const whole = await engine.transcribe(audio);
    assert.equal(whole.text, final.text, 'whole-utterance decode equals the streamed one');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with a streaming engine, partial transcripts reach the client before the final one', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-stream-'));
  const model = writeTestStreamingCtcModel(dir);
  const td = await startTestDaemon({ stages: [vadStage, asrStage, voiceStage], config: { asr: { engine: 'nemo-ctc-streaming', model: model.dir } } });
  const client = await TestClient.connect(td.wsUrl);
  try {
    assert.equal(td.daemon.status.get('stage', 'asr')?.info?.streaming, true);
    const queued = new Promise<InputItem>((resolve) => td.daemon.bus.once('input.queued', resolve));
    const audio = concat(16000, silence(300), speech('hello').samples, silence(600)).samples;
    client.send({ type: 'audio-start', sampleRate: 16000 });
    for (let i = 0; i < audio.length; i += 1600) client.sendBinary(int16ToPcm16leBytes(float32ToInt16(audio.subarray(i, i + 1600))));
    client.send({ type: 'audio-end' });
    const final = await client.waitFor((m) => m.type === 'transcript' && m.final === true, 10_000);
    const partials = client.messages.filter((m) => m.type === 'transcript' && m.final === false);
    assert.ok(partials.length >= 1, 'at least one partial before the final');
    assert.ok(client.messages.indexOf(partials[0]!) < client.messages.indexOf(final));
    const item = await queued;
    assert.equal(item.kind, 'voice');
    assert.equal(item.text, final.text);
  } finally {
    await client.close();
    await td.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

const realModelsDir = process.env.VTUBER_MODELS_DIR ?? path.join(ROOT_DIR, 'models');
const REAL = 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17';
const haveReal = existsSync(path.join(realModelsDir, REAL, 'tokens.txt'));

test('the real streaming zipformer recognizes the fixture words', { skip: haveReal ? false : `needs ${REAL} in ${realModelsDir} (npm run models -- pull ${REAL})` }, async () => {
  const factory = getAsrEngineFactory('zipformer-streaming');
  assert.ok(factory);
  const engine = await factory.create({ config: AsrConfigSchema.parse({}), modelsDir: realModelsDir, log, env: {} });
  const result = await engine.transcribe(speech('hello').samples);
  assert.match(result.text.toLowerCase(), /hello/);
  assert.match(result.text.toLowerCase(), /today/);
});
