import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeEnvelope, levelFromRms } from './envelope.ts';

test('envelope has one value per 20 ms window, silence is 0, full-scale is 1, louder is higher', () => {
  const rate = 16_000;
  const pcm = new Int16Array(rate / 10 + 100); // 106.25 ms → 6 windows (last partial)
  for (let i = 0; i < pcm.length; i++) {
    const window = Math.floor(i / 320);
    const amp = [0, 300, 3000, 32767, 3000, 3000][window] ?? 0;
    pcm[i] = i % 2 === 0 ? amp : -amp;
  }
  const env = computeEnvelope(pcm, rate, 20);
  assert.equal(env.length, 6);
  assert.equal(env[0], 0);
  assert.equal(env[3], 1);
  assert.ok((env[1] as number) > 0 && (env[1] as number) < (env[2] as number) && (env[2] as number) < 1);
  assert.ok(env.every((v) => v >= 0 && v <= 1));
  assert.equal(levelFromRms(0), 0);
});
