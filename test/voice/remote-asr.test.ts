import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { AsrConfigSchema } from '../../src/asr/asr-config.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { remoteAsrFactory } from '../../src/asr/remote-engine.ts';
import { EngineError } from '../../src/core/errors.ts';
import { SPEECH_DIR, speech } from '../helpers/speech-fixtures.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { fakeTranscriptionServer } from '../fakes/fake-transcription-server.ts';

const log = pino({ level: 'silent' });

test('the remote engine posts a 16 kHz WAV with model and key and returns the text', async () => {
  const fake = await fakeTranscriptionServer(() => ({ status: 200, body: JSON.stringify({ text: ' Hello there, how are you today? ' }) }));
  try {
    const config = AsrConfigSchema.parse({ engine: 'remote', remote: { base_url: fake.baseUrl, api_key_env: 'TEST_ASR_KEY', model: 'whisper-large-v3' } });
    const engine = await remoteAsrFactory.create({ config, modelsDir: '/nonexistent', log, env: { TEST_ASR_KEY: 'sk-test-123' } });
    const samples = speech('hello').samples;
    const result = await engine.transcribe(samples);
    assert.equal(result.text, 'Hello there, how are you today?');
    const s = fake.seen[0]!;
    assert.equal(s.auth, 'Bearer sk-test-123');
    assert.equal(s.model, 'whisper-large-v3');
    assert.equal(s.format, 'json');
    assert.deepEqual({ rate: s.wav.sampleRate, ch: s.wav.channels, frames: s.wav.frames }, { rate: 16000, ch: 1, frames: samples.length });
  } finally {
    await fake.close();
  }
});

test('remote errors become coded errors: HTTP 500 → UPSTREAM_ERROR, closed port → UPSTREAM_UNREACHABLE, slow → TIMEOUT', async () => {
  const fake = await fakeTranscriptionServer(() => ({ status: 500, body: JSON.stringify({ error: { message: 'boom' } }) }));
  const slow = http.createServer(() => undefined);
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()));
  try {
    const make = (base: string, timeout = 15_000) =>
      remoteAsrFactory.create({ config: AsrConfigSchema.parse({ engine: 'remote', remote: { base_url: base, timeout_ms: timeout } }), modelsDir: '', log, env: {} });
    const code = async (p: Promise<unknown>): Promise<string> => {
      try {
        await p;
      } catch (err) {
        assert.ok(err instanceof EngineError);
        return err.code;
      }
      return 'no error';
    };
    const samples = new Float32Array(1600);
    assert.equal(await code((await make(fake.baseUrl)).transcribe(samples)), 'UPSTREAM_ERROR');
    await fake.close();
    assert.equal(await code((await make(fake.baseUrl)).transcribe(samples)), 'UPSTREAM_UNREACHABLE');
    const port = (slow.address() as AddressInfo).port;
    assert.equal(await code((await make(`http://127.0.0.1:${port}/v1`, 500)).transcribe(samples)), 'TIMEOUT');
  } finally {
    slow.closeAllConnections();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  }
});

test('POST /asr through the remote engine returns the remote text', async () => {
  const fake = await fakeTranscriptionServer(() => ({ status: 200, body: JSON.stringify({ text: 'What is your name?', language: 'en' }) }));
  const td = await startTestDaemon({ stages: [asrStage], config: { asr: { engine: 'remote', remote: { base_url: fake.baseUrl } } } });
  try {
    const res = await fetch(`${td.url}/asr`, { method: 'POST', body: new Uint8Array(readFileSync(path.join(SPEECH_DIR, 'name-question.wav'))), headers: { 'content-type': 'audio/wav' } });
    const json = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 200);
    assert.equal(json.text, 'What is your name?');
    assert.equal(json.language, 'en');
    assert.equal(json.engine, 'remote');
    assert.equal(fake.seen.length, 1);
  } finally {
    await td.stop();
    await fake.close();
  }
});
