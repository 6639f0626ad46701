import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WavStreamReader } from './wav-stream.ts';
import { encodeWavPcm16 } from './wav.ts';

test('a WAV stream fed in odd-sized pieces yields exactly its samples', () => {
  const samples = Int16Array.from({ length: 1001 }, (_, i) => (i * 37) % 30000 - 15000);
  const wav = encodeWavPcm16(samples, 22050);
  // Streamed headers carry a placeholder data size, like espeak-ng --stdout.
  wav.writeUInt32LE(0x7ffff000, 40);
  const reader = new WavStreamReader();
  const out: number[] = [];
  for (let off = 0; off < wav.length; off += 7) out.push(...reader.push(wav.subarray(off, Math.min(wav.length, off + 7))));
  assert.equal(reader.sampleRate, 22050);
  assert.deepEqual(out, [...samples]);
});

test('a stream that is not WAV is refused', () => {
  assert.throws(() => new WavStreamReader().push(Buffer.from('ID3\u0004 this is an mp3 file')), /RIFF/);
});
