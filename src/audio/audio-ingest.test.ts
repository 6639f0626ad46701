import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import pino from 'pino';
import { EventBus } from '../core/bus.ts';
import './audio-events.ts';
import { AudioIngest } from './audio-ingest.ts';
import { paceAudio, streamToBus } from './wav-source.ts';

const log = pino({ level: 'silent' });

function tone(n: number, rate: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
}

test('a 44.1 kHz stream becomes contiguous 512-sample 16 kHz windows, then stream_end with the total', async () => {
  const bus = new EventBus();
  const ingest = new AudioIngest(bus, log, { maxStreams: 2 });
  const stop = ingest.start();
  const windows: Array<{ offset: number; length: number }> = [];
  let ended: number | undefined;
  bus.on('audio.window', (w) => windows.push({ offset: w.offset, length: w.samples.length }));
  bus.on('audio.stream_end', (e) => (ended = e.samples));
  const samples = tone(44100, 44100);
  await streamToBus(bus, 'c1', { samples, sampleRate: 44100 }, { realtime: false, chunkSamples: 441 });
  const expected = Math.ceil((samples.length * 16000) / 44100);
  assert.equal(ended, expected);
  let next = 0;
  for (const [i, w] of windows.entries()) {
    assert.equal(w.offset, next);
    if (i < windows.length - 1) assert.equal(w.length, 512);
    next += w.length;
  }
  assert.equal(next, expected);
  assert.equal(ingest.activeStreams, 0);
  stop();
});

test('streams beyond max_streams are refused and the client is told', () => {
  const bus = new EventBus();
  const refused: string[] = [];
  const ingest = new AudioIngest(bus, log, { maxStreams: 1, onRefused: (uid) => refused.push(uid) });
  const stop = ingest.start();
  bus.emit('audio.start', { clientUid: 'a', sampleRate: 16000 });
  bus.emit('audio.start', { clientUid: 'b', sampleRate: 16000 });
  assert.deepEqual(refused, ['b']);
  assert.equal(ingest.activeStreams, 1);
  bus.emit('client.disconnected', { clientUid: 'a', code: 1000 });
  assert.equal(ingest.activeStreams, 0);
  stop();
});

test('real-time pacing delivers each chunk when its last sample would have been recorded', async () => {
  const audio = { samples: new Float32Array(1600), sampleRate: 16000 }; // 100 ms
  const t0 = performance.now();
  const due: number[] = [];
  for await (const { dueAt } of paceAudio(audio, { realtime: true, chunkSamples: 320, t0 })) {
    assert.ok(performance.now() >= dueAt - 1.5, 'not delivered early');
    due.push(dueAt - t0);
  }
  assert.deepEqual(due.map(Math.round), [20, 40, 60, 80, 100]);
});
