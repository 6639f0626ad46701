import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PcmRechunker } from './pcm-rechunker.ts';

test('rechunker emits whole 20 ms windows at once, caps chunk length, and flushes the tail', () => {
  const r = new PcmRechunker(100);
  const rate = 16_000; // 320 samples per window, 1600 per 100 ms
  assert.deepEqual(r.push(new Int16Array(100), rate), [], 'less than a window waits');
  const a = r.push(new Int16Array(4000), rate);
  assert.deepEqual(
    a.map((c) => c.pcm.length),
    [1600, 1600, 640],
  );
  const tail = r.flush();
  assert.equal(tail[0]?.pcm.length, 4100 - 3840);
  assert.deepEqual(r.flush(), []);
});
