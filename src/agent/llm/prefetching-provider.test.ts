import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import pino from 'pino';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../../test/fakes/fake-openai-server.ts';
import type { ChatMessage, LlmChunk, LlmRequest } from './llm-types.ts';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import { PrefetchingProvider, type PrefetchRequest } from './prefetching-provider.ts';

const log = pino({ level: 'silent' });

function setup(fake: FakeOpenAiServer, ttlMs?: number): PrefetchingProvider {
  const inner = new OpenAiCompatibleProvider({ id: 'openai:fake', baseUrl: fake.baseUrl, model: 'fake', connectTimeoutMs: 2000, firstTokenTimeoutMs: 2000, idleTimeoutMs: 2000 });
  return new PrefetchingProvider(inner, log, ttlMs);
}

const said = (text: string): PrefetchRequest => ({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: text }] as ChatMessage[], sampling: { temperature: 0.7 } });
const live = (r: PrefetchRequest, signal = new AbortController().signal): LlmRequest => ({ ...r, signal });

async function text(iter: AsyncIterable<LlmChunk>): Promise<string> {
  let out = '';
  for await (const c of iter) if (c.type === 'text') out += c.text;
  return out;
}

async function withFake(t: { after: (fn: () => Promise<void>) => void }): Promise<FakeOpenAiServer> {
  const fake = await startFakeOpenAiServer();
  t.after(() => fake.close());
  return fake;
}

test('the same request takes the prefetch over: one upstream request, tokens that arrived before are replayed, then the rest follows live', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ text: 'one two three four five six', ttftMs: 0, tokenDelayMs: 40 });
  const p = setup(fake);
  p.prefetch(said('hello there'));
  await fake.waitFor(() => (fake.requests[0]?.tokenTimes.length ?? 0) >= 2, 3000, 'two tokens sent');
  assert.equal(await text(p.stream(live(said('hello there')))), 'one two three four five six');
  assert.equal(fake.requests.length, 1);
  assert.deepEqual(p.stats, { started: 1, claimed: 1, discarded: 0 });
});

test('a different request drops the prefetch (its connection is closed) and goes upstream itself', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ text: 'stale answer to a half sentence', ttftMs: 300 }, { text: 'the real answer', ttftMs: 0 });
  const p = setup(fake);
  p.prefetch(said('hello'));
  await fake.waitForRequests(1);
  assert.equal(await text(p.stream(live(said('hello there, how are you?')))), 'the real answer');
  await fake.waitForClientClose(0);
  assert.equal(fake.requests.length, 2);
  assert.deepEqual(p.stats, { started: 1, claimed: 0, discarded: 1 });
});

test('cancel, a newer prefetch and the time limit each close the request in flight', async (t) => {
  const fake = await withFake(t);
  fake.defaultReply = { text: 'never needed', stall: 'first-token' };
  const p = setup(fake, 300);
  p.prefetch(said('a'));
  await fake.waitForRequests(1);
  p.cancel('voice resumed');
  await fake.waitForClientClose(0);
  p.prefetch(said('b'));
  await fake.waitForRequests(2);
  p.prefetch(said('c'));
  await fake.waitForClientClose(1);
  await fake.waitForRequests(3);
  await fake.waitForClientClose(2, 3000); // not claimed within 300 ms
  assert.deepEqual(p.stats, { started: 3, claimed: 0, discarded: 3 });
});

test('a prefetch that failed before its turn is not used: the turn gets a fresh request', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ status: 500 }, { text: 'fresh', ttftMs: 0 });
  const p = setup(fake);
  p.prefetch(said('hi'));
  await fake.waitFor(() => fake.requests[0]?.finishedAt !== undefined, 3000, 'the error answer');
  await sleep(20);
  assert.equal(await text(p.stream(live(said('hi')))), 'fresh');
  assert.equal(fake.requests.length, 2);
});

test('aborting the turn that took the prefetch over closes the request', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ text: 'a long reply that is cut off early by an interruption', ttftMs: 0, tokenDelayMs: 50 });
  const p = setup(fake);
  p.prefetch(said('go on'));
  const turn = new AbortController();
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const c of p.stream(live(said('go on'), turn.signal))) {
        if (c.type === 'text') got.push(c.text);
        if (got.length === 2) turn.abort();
      }
    })(),
  );
  await fake.waitForClientClose(0);
  assert.equal(got.length, 2);
});
