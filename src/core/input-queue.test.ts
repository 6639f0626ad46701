import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { EventBus } from './bus.ts';
import { InputQueue, type NewInput } from './input-queue.ts';
import type { InputKind } from './input.ts';

const user = { id: 'twitch:1', displayName: 'v', platform: 'twitch' as const };
// Ordering depends on the kind only; the kinds' own fields do not matter here.
const add = (q: InputQueue, kind: InputKind, text: string = kind) => q.push({ kind, text, user } as NewInput);

test('inputs come out by priority: voice, then donations and cheers, then subs and raids, then chat; FIFO within a priority', () => {
  const q = new InputQueue(new EventBus());
  for (const k of ['chat', 'raid', 'cheer', 'chat', 'voice', 'sub', 'donation'] as const) add(q, k, `${k}-${q.size}`);
  const order = Array.from({ length: 7 }, () => q.poll()?.text);
  assert.deepEqual(order, ['voice-4', 'cheer-2', 'donation-6', 'raid-1', 'sub-5', 'chat-0', 'chat-3']);
});

test('a full queue evicts the newest lowest-priority item for a more important one and refuses what would not fit', () => {
  const bus = new EventBus();
  const dropped: string[] = [];
  bus.on('input.dropped', (d) => dropped.push(`${d.item.text}:${d.reason}`));
  const q = new InputQueue(bus, { maxSize: 3, maxAgeMs: {} });
  add(q, 'chat', 'c1');
  add(q, 'chat', 'c2');
  add(q, 'sub', 's1');
  assert.throws(() => add(q, 'chat', 'c3'), /QUEUE_FULL|full/);
  add(q, 'voice', 'v1');
  assert.equal(q.size, 3);
  assert.deepEqual(dropped, ['c3:queue_full', 'c2:queue_full']);
  assert.deepEqual(q.snapshot().map((i) => i.text), ['v1', 's1', 'c1']);
});

test('stale chat is dropped when taken; next() waits for input and honours abort', async () => {
  const q = new InputQueue(new EventBus(), { maxSize: 10, maxAgeMs: { chat: 1000 } });
  q.push({ kind: 'chat', text: 'old', user, receivedAt: performance.now() - 5000 });
  add(q, 'chat', 'fresh');
  assert.equal((await q.next()).text, 'fresh');
  const waiting = q.next();
  setTimeout(() => add(q, 'text', 'typed'), 10);
  assert.equal((await waiting).text, 'typed');
  const ac = new AbortController();
  const aborted = q.next(ac.signal);
  ac.abort();
  await assert.rejects(aborted, /aborted/i);
});

test('close() refuses new input and fails waiters', async () => {
  const q = new InputQueue(new EventBus());
  const waiter = q.next();
  q.close();
  await assert.rejects(waiter, /shutting down/);
  assert.throws(() => add(q, 'text'), /shutting down/);
});
