import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeTestCtcModel } from '../../scripts/make-test-models.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { encodeWav, encodeWavPcm16 } from '../../src/audio/wav.ts';
import { SPEECH_DIR, speech } from '../helpers/speech-fixtures.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

const LIMIT = 256 * 1024;
let td: TestDaemon;
let modelsDir: string;
let vocab: Set<string>;

before(async () => {
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-asr-models-'));
  const model = writeTestCtcModel(modelsDir);
  vocab = new Set(readFileSync(model.tokens, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]!.replace('▁', '')));
  td = await startTestDaemon({ stages: [asrStage], config: { asr: { engine: 'nemo-ctc', model: model.dir, upload_max_bytes: LIMIT } } });
});

after(async () => {
  await td?.stop();
  rmSync(modelsDir, { recursive: true, force: true });
});

async function post(body: BodyInit, contentType?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${td.url}/asr`, { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function errorCode(json: Record<string, unknown>): string {
  const e = json.error as { code: string; message: string } | undefined;
  assert.ok(e && typeof e.message === 'string' && e.message.length > 0, `error body: ${JSON.stringify(json)}`);
  return e.code;
}

function assertRecognizerText(json: Record<string, unknown>): void {
  assert.equal(typeof json.text, 'string');
  const words = (json.text as string).split(/\s+/).filter(Boolean);
  assert.ok(words.length > 0, 'the random-weight model emits tokens for speech');
  // Every word is made of pieces from the model's tokens.txt: the text came from the recognizer.
  for (const w of words) assert.ok([...vocab].some((v) => v && w.includes(v)), `unexpected word ${w}`);
}

test('a valid 16 kHz WAV body reaches the recognizer and returns {text}', async () => {
  const wav = readFileSync(path.join(SPEECH_DIR, 'hello.wav'));
  const { status, json } = await post(new Uint8Array(wav), 'audio/wav');
  assert.equal(status, 200, JSON.stringify(json));
  assertRecognizerText(json);
  assert.equal(json.engine, 'nemo-ctc');
  assert.ok(Math.abs((json.duration_ms as number) - 2451) < 5);
});

test('a 48 kHz stereo float32 WAV is mixed, resampled and gives the same kind of text', async () => {
  const mono = speech('hello', 48000).samples.subarray(19200, 48000); // 0.6 s: fits the 256 KB test limit
  const wav = encodeWav({ sampleRate: 48000, channelData: [mono, mono], format: 'float32' });
  const { status, json } = await post(new Uint8Array(wav), 'audio/x-wav');
  assert.equal(status, 200, JSON.stringify(json));
  assertRecognizerText(json);
});

test('a multipart upload in field "file" is accepted', async () => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(readFileSync(path.join(SPEECH_DIR, 'hello.wav')))], { type: 'audio/wav' }), 'hello.wav');
  const { status, json } = await post(form);
  assert.equal(status, 200, JSON.stringify(json));
  assertRecognizerText(json);
});

test('bad input gets 415, 400 or 413 with {error:{code,message}}', async () => {
  const good = encodeWavPcm16(new Int16Array(1600), 16000);
  const mp3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(200, 1)]);
  let r = await post(new Uint8Array(mp3), 'audio/wav');
  assert.equal(r.status, 415);
  assert.equal(errorCode(r.json), 'UNSUPPORTED_MEDIA_TYPE');

  r = await post(new Uint8Array(good), 'image/png');
  assert.equal(r.status, 415);
  assert.equal(errorCode(r.json), 'UNSUPPORTED_MEDIA_TYPE');

  r = await post(JSON.stringify({ audio: 'x' }), 'application/json');
  assert.equal(r.status, 415);
  assert.equal(errorCode(r.json), 'UNSUPPORTED_MEDIA_TYPE');

  const eightBit = Buffer.from(good);
  eightBit.writeUInt16LE(8, 34);
  eightBit.writeUInt16LE(1, 32);
  r = await post(new Uint8Array(eightBit), 'audio/wav');
  assert.equal(r.status, 415);
  assert.match((r.json.error as { message: string }).message, /16-bit PCM or 32-bit float/);

  r = await post(new Uint8Array(good.subarray(0, 30)), 'audio/wav');
  assert.equal(r.status, 400);
  assert.equal(errorCode(r.json), 'BAD_AUDIO');

  const lying = Buffer.from(good);
  lying.writeUInt32LE(good.length * 4, 40);
  r = await post(new Uint8Array(lying), 'audio/wav');
  assert.equal(r.status, 400);
  assert.equal(errorCode(r.json), 'BAD_AUDIO');

  r = await post(new Uint8Array(encodeWavPcm16(new Int16Array(0), 16000)), 'audio/wav');
  assert.equal(r.status, 400);

  const big = encodeWavPcm16(new Int16Array(LIMIT), 16000);
  r = await post(new Uint8Array(big), 'audio/wav');
  assert.equal(r.status, 413);
  assert.equal(errorCode(r.json), 'PAYLOAD_TOO_LARGE');

  const bigForm = new FormData();
  bigForm.append('file', new Blob([new Uint8Array(big)], { type: 'audio/wav' }), 'big.wav');
  r = await post(bigForm);
  assert.equal(r.status, 413);
  assert.equal(errorCode(r.json), 'PAYLOAD_TOO_LARGE');

  const noFile = new FormData();
  noFile.append('note', 'hello');
  r = await post(noFile);
  assert.equal(r.status, 400);
  assert.equal(errorCode(r.json), 'BAD_AUDIO');

  const wrongField = new FormData();
  wrongField.append('audio', new Blob([new Uint8Array(good)], { type: 'audio/wav' }), 'a.wav');
  r = await post(wrongField);
  assert.equal(r.status, 400);

  // The daemon is still fine.
  const ok = await post(new Uint8Array(readFileSync(path.join(SPEECH_DIR, 'hello.wav'))), 'audio/wav');
  assert.equal(ok.status, 200);
});
