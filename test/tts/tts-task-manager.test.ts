import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { ReplySegment } from '../../src/core/speech.ts';
import { EngineChain } from '../../src/tts/engine-chain.ts';
import type { Prosody } from '../../src/tts/engine.ts';
import { type SegmentSink, TtsTaskManager } from '../../src/tts/tts-task-manager.ts';
import { ScriptedEngine } from '../helpers/scripted-tts-engine.ts';

const log = pino({ level: 'silent' });
const BASE: Prosody = { rate: 1, pitch: 1, volume: 1 };

function setup(opts: { cacheEntries?: number; antiRepeatWindowMs?: number; now?: () => number } = {}): { engine: ScriptedEngine; manager: TtsTaskManager; chain: EngineChain } {
  const engine = new ScriptedEngine('e', () => ({ kind: 'speak', chunks: 2, chunkMs: 40 }));
  const chain = new EngineChain([{ engine, voice: 'v' }], { firstAudioTimeoutMs: 500, stallTimeoutMs: 500, failuresBeforeCooldown: 3, cooldownMs: 1000, cacheEntries: opts.cacheEntries ?? 0, cacheMaxSeconds: 10 }, log);
  const manager = new TtsTaskManager(
    chain,
    { concurrency: 2, antiRepeatWindowMs: opts.antiRepeatWindowMs ?? 0, baseProsody: BASE, emotionProsody: { angry: { rate: -0.2, pitch: -0.1 } }, ...(opts.now ? { now: opts.now } : {}) },
    log,
  );
  return { engine, manager, chain };
}

async function* segs(list: Array<Omit<ReplySegment, 'index'>>): AsyncIterable<ReplySegment> {
  let i = 0;
  for (const s of list) yield { ...s, index: i++ };
}

function recorder(): { sink: SegmentSink; events: string[] } {
  const events: string[] = [];
  return {
    events,
    sink: {
      segmentStart: (s, info) => events.push(`start:${s.index}:${info.outcome}`),
      chunk: (s, _c, info) => events.push(`chunk:${s.index}${info.cached ? ':cached' : ''}`),
      segmentFailed: (s) => events.push(`failed:${s.index}`),
      segmentEnd: (s, outcome) => events.push(`end:${s.index}:${outcome}`),
    },
  };
}

test('prosody carries over from segment to segment within a turn; emotions adjust it', async () => {
  const { engine, manager } = setup();
  const { sink } = recorder();
  await manager.run(
    segs([
      { text: 'One.' },
      { text: 'Two.', prosody: { rate: 0.1, volume: -0.2 } },
      { text: 'Three.' },
      { text: 'Four!', emotion: { name: 'angry' } },
      { text: 'Five.' },
      { text: 'Six.', prosody: { pitch: 0.3 }, emotion: { name: 'neutral' } },
    ]),
    sink,
    new AbortController().signal,
  );
  const byText = new Map(engine.calls.map((c) => [c.text, c.prosody]));
  assert.deepEqual(byText.get('One.'), { rate: 1, pitch: 1, volume: 1 });
  assert.deepEqual(byText.get('Two.'), { rate: 1.1, pitch: 1, volume: 0.8 });
  assert.deepEqual(byText.get('Three.'), { rate: 1.1, pitch: 1, volume: 0.8 }, 'deltas carry over');
  assert.deepEqual(byText.get('Four!'), { rate: 0.9, pitch: 0.9, volume: 0.8 }, 'anger: slower and lower');
  assert.deepEqual(byText.get('Five.'), { rate: 0.9, pitch: 0.9, volume: 0.8 }, 'the emotion stays until another one');
  assert.deepEqual(byText.get('Six.'), { rate: 1.1, pitch: 1.3, volume: 0.8 });
  // A new turn starts from the character's base prosody again.
  await manager.run(segs([{ text: 'Seven.' }]), recorder().sink, new AbortController().signal);
  assert.deepEqual(engine.calls.at(-1)?.prosody, BASE);
});

test('anti-repeat: the same sentence within the window is not synthesized or spoken again', async () => {
  let now = 0;
  const { engine, manager } = setup({ antiRepeatWindowMs: 10_000, now: () => now });
  const first = recorder();
  await manager.run(segs([{ text: 'Thanks for the follow!' }, { text: 'thanks for the FOLLOW' }, { text: 'Something else.' }]), first.sink, new AbortController().signal);
  assert.deepEqual(
    engine.calls.map((c) => c.text),
    ['Thanks for the follow!', 'Something else.'],
  );
  assert.ok(first.events.includes('start:1:repeat') && first.events.includes('end:1:repeat'));
  assert.ok(!first.events.some((e) => e.startsWith('chunk:1')), 'the repeat gets no audio');
  now += 5000;
  await manager.run(segs([{ text: 'Thanks for the follow!' }]), recorder().sink, new AbortController().signal);
  assert.equal(engine.calls.length, 2, 'still inside the window in the next turn');
  now += 10_001;
  await manager.run(segs([{ text: 'Thanks for the follow!' }]), recorder().sink, new AbortController().signal);
  assert.equal(engine.calls.length, 3, 'spoken again once the window has passed');
});

test('the cache serves a repeated (engine, voice, prosody, text) without synthesizing; other prosody misses', async () => {
  const { engine, manager, chain } = setup({ cacheEntries: 2 });
  const a = recorder();
  await manager.run(segs([{ text: 'Welcome back!' }]), a.sink, new AbortController().signal);
  const b = recorder();
  await manager.run(segs([{ text: 'Welcome back!' }]), b.sink, new AbortController().signal);
  assert.equal(engine.calls.length, 1);
  assert.deepEqual(b.events, ['start:0:spoken', 'chunk:0:cached', 'chunk:0:cached', 'end:0:spoken']);
  await manager.run(segs([{ text: 'Welcome back!', prosody: { rate: 0.2 } }]), recorder().sink, new AbortController().signal);
  assert.equal(engine.calls.length, 2, 'different prosody is a different entry');
  await manager.run(segs([{ text: 'Another line.' }]), recorder().sink, new AbortController().signal);
  await manager.run(segs([{ text: 'Welcome back!' }]), recorder().sink, new AbortController().signal);
  assert.equal(engine.calls.length, 4, 'least recently used entry was evicted (capacity 2)');
  assert.ok(chain.cacheStats.hits >= 1);
});

test('segments without speakable characters are shown but not synthesized', async () => {
  const { engine, manager } = setup();
  const r = recorder();
  await manager.run(segs([{ text: '...' }, { text: 'Right.' }]), r.sink, new AbortController().signal);
  assert.deepEqual(
    engine.calls.map((c) => c.text),
    ['Right.'],
  );
  assert.equal(r.events[0], 'start:0:text_only');
});
