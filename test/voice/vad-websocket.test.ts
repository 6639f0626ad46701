import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float32ToInt16, int16ToPcm16leBytes } from '../../src/audio/pcm.ts';
import { vadStage } from '../../src/vad/vad-stage.ts';
import { voiceStage } from '../../src/voice/voice-stage.ts';
import { audibleSpan, concat, silence, speech } from '../helpers/speech-fixtures.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

test('48 kHz microphone audio over a real websocket reaches the voice session and its VAD', async () => {
  const td = await startTestDaemon({ stages: [vadStage, voiceStage] });
  const client = await TestClient.connect(td.wsUrl);
  try {
    const hello48 = speech('hello', 48000);
    const audio = concat(48000, silence(500, 48000), hello48.samples, silence(700, 48000));
    const truth = audibleSpan(speech('hello'));
    let received = 0;
    const off = td.daemon.services.get('voice')!.monitor((_uid, bytes) => (received += bytes.length / 2));
    const ended = td.daemon.bus.waitFor('vad.speech_end', { timeoutMs: 10_000 });
    client.send({ type: 'audio-start', sampleRate: 48000 });
    await client.waitFor((m) => m.type === 'ack' && m.ref === 'audio-start');
    const frame = 960 * 4; // 80 ms per message
    for (let i = 0; i < audio.samples.length; i += frame) client.sendBinary(int16ToPcm16leBytes(float32ToInt16(audio.samples.subarray(i, i + frame))));
    client.send({ type: 'audio-end' });
    const seg = await ended;
    off();
    assert.ok(Math.abs(seg.startMs - (500 + truth.startMs)) <= 150, `start ${seg.startMs}`);
    assert.ok(Math.abs(seg.endMs - (500 + truth.endMs)) <= 150, `end ${seg.endMs}`);
    assert.equal(received, audio.samples.length, 'every sample sent reached the voice session');
    const voice = td.daemon.status.get('stage', 'voice')?.info;
    assert.equal(voice?.dropped_ms, 0, 'nothing dropped at real-time-or-slower load');
  } finally {
    await client.close();
    await td.stop();
  }
});

test('the VAD stage is unavailable with a one-line pull command when its configured model is missing', async () => {
  const td = await startTestDaemon({ stages: [vadStage, voiceStage], config: { vad: { model: 'nope/silero_vad.onnx' } } });
  try {
    const entry = td.daemon.status.get('stage', 'vad');
    assert.equal(entry?.state, 'unavailable');
    assert.match(entry?.detail ?? '', /npm run models -- pull silero-vad/);
    assert.doesNotMatch(entry?.detail ?? '', /\n/);
  } finally {
    await td.stop();
  }
});
