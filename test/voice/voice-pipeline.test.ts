import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeTestCtcModel } from '../../scripts/make-test-models.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { float32ToInt16, int16ToPcm16leBytes } from '../../src/audio/pcm.ts';
import type { InputItem } from '../../src/core/input.ts';
import { vadStage } from '../../src/vad/vad-stage.ts';
import { voiceStage } from '../../src/voice/voice-stage.ts';
import { speech } from '../helpers/speech-fixtures.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

test('speech over the websocket becomes a final transcript and a voice input with timings', async () => {
  const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-models-'));
  const model = writeTestCtcModel(modelsDir);
  const td = await startTestDaemon({ stages: [vadStage, asrStage, voiceStage], config: { asr: { engine: 'nemo-ctc', model: model.dir } } });
  const client = await TestClient.connect(td.wsUrl);
  try {
    assert.equal(td.daemon.status.get('stage', 'asr')?.state, 'live');
    const queued = new Promise<InputItem>((resolve) => td.daemon.bus.once('input.queued', resolve));
    const audio = speech('two-turns', 44100).samples.subarray(0, Math.round(44100 * 4.6)); // the first turn
    client.send({ type: 'audio-start', sampleRate: 44100 });
    for (let i = 0; i < audio.length; i += 4410) client.sendBinary(int16ToPcm16leBytes(float32ToInt16(audio.subarray(i, i + 4410))));
    client.send({ type: 'audio-end' });
    const transcript = await client.waitFor((m) => m.type === 'transcript' && m.final === true, 10_000);
    assert.equal(typeof transcript.text, 'string');
    assert.ok((transcript.text as string).length > 0);
    const item = await queued;
    assert.equal(item.kind, 'voice');
    assert.equal(item.user.id, 'local:streamer');
    assert.equal(item.text, transcript.text);
    assert.equal(item.clientUid, transcript.clientUid);
    const t = item.timings as Record<string, number>;
    assert.ok(t.speech_end! <= t.vad_end! && t.vad_end! <= t.asr_final!, JSON.stringify(t));
    assert.equal(td.daemon.input.size, 1, 'exactly one utterance in the first turn');
  } finally {
    await client.close();
    await td.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  }
});

test('a missing ASR model leaves the stage unavailable with the exact pull command, and text input still works', async () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'vtuber-empty-models-'));
  const td = await startTestDaemon({ stages: [vadStage, asrStage, voiceStage], env: { VTUBER_MODELS_DIR: empty } });
  const client = await TestClient.connect(td.wsUrl);
  try {
    const entry = td.daemon.status.get('stage', 'asr');
    assert.equal(entry?.state, 'unavailable');
    assert.match(entry?.detail ?? '', /run: npm run models -- pull sherpa-onnx-streaming-zipformer-en-20M-2023-02-17$/);
    assert.doesNotMatch(entry?.detail ?? '', /\n/);
    const status = client.messages.find((m) => m.type === 'status') as { stages: Record<string, { state: string }> } | undefined;
    assert.equal(status?.stages.asr?.state, 'unavailable');
    client.send({ type: 'text-input', text: 'hello from the keyboard' });
    const ack = await client.waitFor((m) => m.type === 'ack' && m.ref === 'text-input');
    assert.equal(typeof ack.inputId, 'string');
    const res = await fetch(`${td.url}/asr`, { method: 'POST', body: new Uint8Array(8), headers: { 'content-type': 'audio/wav' } });
    assert.equal(res.status, 503);
  } finally {
    await client.close();
    await td.stop();
    rmSync(empty, { recursive: true, force: true });
  }
});
