import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rms } from './pcm.ts';
import { resample, StreamingResampler } from './resample.ts';

function sine(n: number, rate: number, hz: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

function maxErrorVsSine(out: Float32Array, rate: number, hz: number, amp: number, skip: number): number {
  let max = 0;
  for (let i = skip; i < out.length - skip; i++) max = Math.max(max, Math.abs(out[i]! - amp * Math.sin((2 * Math.PI * hz * i) / rate)));
  return max;
}

test('48 kHz → 16 kHz keeps a 1 kHz tone, in phase, with a third of the samples', () => {
  const out = resample(sine(48000, 48000, 1000), 48000, 16000);
  assert.equal(out.length, 16000);
  assert.ok(maxErrorVsSine(out, 16000, 1000, 0.5, 64) < 0.01);
});

test('44.1 kHz → 16 kHz and 8 kHz → 16 kHz keep a 440 Hz tone', () => {
  const a = resample(sine(44100, 44100, 440), 44100, 16000);
  assert.equal(a.length, 16000);
  assert.ok(maxErrorVsSine(a, 16000, 440, 0.5, 64) < 0.01);
  const b = resample(sine(8000, 8000, 440), 8000, 16000);
  assert.equal(b.length, 16000);
  assert.ok(maxErrorVsSine(b, 16000, 440, 0.5, 64) < 0.01);
});

test('tones above the new Nyquist frequency are removed, not aliased', () => {
  const out = resample(sine(48000, 48000, 11000), 48000, 16000);
  assert.ok(rms(out, 64, out.length - 64) < 0.005, `residual rms ${rms(out)}`);
});

test('streaming in odd-sized chunks gives the same samples as converting at once', () => {
  const input = sine(10000, 48000, 523, 0.7);
  const whole = resample(input, 48000, 16000);
  const r = new StreamingResampler(48000, 16000);
  const parts: number[] = [];
  let at = 0;
  const sizes = [1, 7, 480, 960, 33, 2000, 3];
  for (let k = 0; at < input.length; k++) {
    const size = sizes[k % sizes.length]!;
    parts.push(...r.push(input.subarray(at, at + size)));
    at += size;
  }
  parts.push(...r.flush());
  assert.equal(parts.length, whole.length);
  for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(parts[i]! - whole[i]!) < 1e-6);
});

test('equal rates pass samples through unchanged', () => {
  const input = sine(100, 16000, 300);
  assert.equal(resample(input, 16000, 16000), input);
  const r = new StreamingResampler(16000, 16000);
  assert.deepEqual(r.push(input), input);
  assert.equal(r.flush().length, 0);
});
