import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT_DIR } from '../config/env.ts';
import { EngineError } from '../core/errors.ts';
import { decodeWav, encodeWav, encodeWavPcm16, readWavHeader } from './wav.ts';

const FIXTURES = path.join(ROOT_DIR, '..', 'shared', 'fixtures', 'speech');

function sine(n: number, rate: number, hz: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EngineError, `expected EngineError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('expected a throw');
}

test('pcm16 stereo WAV round-trips within one quantisation step', () => {
  const left = sine(1000, 22050, 440);
  const right = sine(1000, 22050, 880, 0.25);
  const wav = encodeWav({ sampleRate: 22050, channelData: [left, right] });
  const back = decodeWav(wav);
  assert.equal(back.format, 'pcm16');
  assert.equal(back.channels, 2);
  assert.equal(back.sampleRate, 22050);
  assert.equal(back.frames, 1000);
  for (let i = 0; i < 1000; i++) {
    assert.ok(Math.abs((back.channelData[0] as Float32Array)[i]! - left[i]!) <= 1 / 32768 + 1e-9);
    assert.ok(Math.abs((back.channelData[1] as Float32Array)[i]! - right[i]!) <= 1 / 32768 + 1e-9);
  }
});

test('float32 WAV round-trips exactly', () => {
  const s = sine(777, 48000, 1000, 0.9);
  const back = decodeWav(encodeWav({ sampleRate: 48000, channelData: [s], format: 'float32' }));
  assert.equal(back.format, 'float32');
  assert.deepEqual(back.channelData[0], s);
});

test('the speech fixtures parse as 16 kHz mono PCM16 of the stated length', () => {
  const info = readWavHeader(readFileSync(path.join(FIXTURES, 'two-turns.wav')));
  assert.equal(info.sampleRate, 16000);
  assert.equal(info.channels, 1);
  assert.equal(info.format, 'pcm16');
  assert.ok(Math.abs(info.durationMs - 9820) < 20, `duration ${info.durationMs}`);
});

test('espeak-ng --stdout output (placeholder sizes) is read to the end of the buffer', () => {
  const buf = execFileSync('espeak-ng', ['--stdout', 'hello'], { maxBuffer: 10 * 2 ** 20 });
  const wav = decodeWav(buf);
  assert.equal(wav.channels, 1);
  assert.equal(wav.sampleRate, 22050);
  assert.equal(wav.frames, (buf.length - 44) / 2);
  assert.ok(wav.frames > 2000);
});

test('extra chunks before data are skipped', () => {
  const plain = encodeWavPcm16(Int16Array.from([1, 2, 3, -4]), 16000);
  const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([0])]);
  const withList = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
  withList.writeUInt32LE(withList.length - 8, 4);
  const wav = decodeWav(withList);
  assert.equal(wav.frames, 4);
  assert.equal(Math.round((wav.channelData[0] as Float32Array)[3]! * 32768), -4);
});

test('invalid input gives coded errors: non-WAV 415, unsupported encoding 415, corrupt header 400', () => {
  assert.equal(code(() => readWavHeader(Buffer.from('ID3\u0004 this is an mp3'))), 'UNSUPPORTED_MEDIA_TYPE');
  const good = encodeWavPcm16(new Int16Array(100), 16000);
  const eightBit = Buffer.from(good);
  eightBit.writeUInt16LE(8, 34);
  eightBit.writeUInt16LE(1, 32);
  assert.equal(code(() => readWavHeader(eightBit)), 'UNSUPPORTED_MEDIA_TYPE');
  const threeCh = Buffer.from(good);
  threeCh.writeUInt16LE(3, 22);
  threeCh.writeUInt16LE(6, 32);
  assert.equal(code(() => readWavHeader(threeCh)), 'UNSUPPORTED_MEDIA_TYPE');
  assert.equal(code(() => readWavHeader(good.subarray(0, 30))), 'BAD_AUDIO');
  const badAlign = Buffer.from(good);
  badAlign.writeUInt16LE(3, 32);
  assert.equal(code(() => readWavHeader(badAlign)), 'BAD_AUDIO');
  const longData = Buffer.from(good);
  longData.writeUInt32LE(5000, 40);
  assert.equal(code(() => readWavHeader(longData)), 'BAD_AUDIO');
  const zeroRate = Buffer.from(good);
  zeroRate.writeUInt32LE(0, 24);
  assert.equal(code(() => readWavHeader(zeroRate)), 'BAD_AUDIO');
});
