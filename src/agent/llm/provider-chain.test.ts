import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedPortUrl, startFakeOpenAiServer, type FakeOpenAiServer } from '../../../test/fakes/fake-openai-server.ts';
import { EngineError } from '../../core/errors.ts';
import type { LlmChunk, LlmRequest } from './llm-types.ts';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import { ProviderChain, type ChainEntry, type ProviderChainOptions } from './provider-chain.ts';

function openai(id: string, baseUrl: string, firstTokenTimeoutMs = 2000): OpenAiCompatibleProvider {
  return new OpenAiCompatibleProvider({ id, baseUrl, model: 'm', connectTimeoutMs: 2000, firstTokenTimeoutMs, idleTimeoutMs: 2000 });
}

function request(signal: AbortSignal = new AbortController().signal): LlmRequest {
  return { messages: [{ role: 'user', content: 'hi' }], sampling: {}, signal };
}

async function collect(iter: AsyncIterable<LlmChunk>): Promise<string> {
  let text = '';
  for await (const c of iter) if (c.type === 'text') text += c.text;
  return text;
}

async function fakes(t: { after: (fn: () => Promise<void>) => void }, n: number): Promise<FakeOpenAiServer[]> {
  const list = await Promise.all(Array.from({ length: n }, () => startFakeOpenAiServer()));
  t.after(async () => {
    await Promise.all(list.map((f) => f.close()));
  });
  return list;
}

function chain(entries: ChainEntry[], opts: ProviderChainOptions = {}): ProviderChain {
  return new ProviderChain(entries, opts);
}

test('falls back to the next provider when the first refuses connections', async (t) => {
  const [second] = await fakes(t, 1);
  second?.enqueue({ text: 'from the backup' });
  const c = chain([{ provider: openai('a', await closedPortUrl()) }, { provider: openai('b', second?.baseUrl ?? '') }]);
  assert.equal(await collect(c.stream(request())), 'from the backup');
  const snap = c.snapshot();
  assert.equal(snap.active, 'b');
  assert.equal(snap.providers[0]?.state, 'failing');
  assert.equal(snap.providers[0]?.lastError?.code, 'UPSTREAM_UNREACHABLE');
  assert.equal(snap.providers[1]?.state, 'ok');
  assert.equal(typeof snap.providers[1]?.lastLatencyMs, 'number');
});

test('falls back when the first returns HTTP 500', async (t) => {
  const [first, second] = await fakes(t, 2);
  first?.enqueue({ status: 500 });
  second?.enqueue({ text: 'still here' });
  const c = chain([{ provider: openai('a', first?.baseUrl ?? '') }, { provider: openai('b', second?.baseUrl ?? '') }]);
  assert.equal(await collect(c.stream(request())), 'still here');
  assert.equal(c.snapshot().providers[0]?.lastError?.code, 'UPSTREAM_ERROR');
  assert.equal(first?.requests.length, 1);
});

test('falls back when the first stalls past its first-token timeout (provider or chain limit)', async (t) => {
  const [first, second] = await fakes(t, 2);
  first?.enqueue({ stall: 'first-token' }, { stall: 'headers' });
  second?.enqueue({ text: 'fast one' }, { text: 'fast two' });
  const byProvider = chain([{ provider: openai('a', first?.baseUrl ?? '', 150) }, { provider: openai('b', second?.baseUrl ?? '') }]);
  assert.equal(await collect(byProvider.stream(request())), 'fast one');
  assert.equal(byProvider.snapshot().providers[0]?.lastError?.code, 'TIMEOUT');
  const byChain = chain([{ provider: openai('a', first?.baseUrl ?? '', 60_000), firstTokenTimeoutMs: 150 }, { provider: openai('b', second?.baseUrl ?? '') }]);
  assert.equal(await collect(byChain.stream(request())), 'fast two');
  assert.equal(byChain.snapshot().providers[0]?.lastError?.code, 'TIMEOUT');
  await first?.waitForClientClose(1, 2000);
});

test('reasoning before a failure does not prevent fallback', async (t) => {
  const [first, second] = await fakes(t, 2);
  first?.enqueue({ reasoning: 'thinking hard', disconnectAfterTokens: 2 });
  second?.enqueue({ text: 'answer' });
  const c = chain([{ provider: openai('a', first?.baseUrl ?? '') }, { provider: openai('b', second?.baseUrl ?? '') }]);
  assert.equal(await collect(c.stream(request())), 'answer');
});

test('after the first token an error propagates instead of falling back', async (t) => {
  const [first, second] = await fakes(t, 2);
  first?.enqueue({ text: 'I started to say', disconnectAfterTokens: 2 });
  const c = chain([{ provider: openai('a', first?.baseUrl ?? '') }, { provider: openai('b', second?.baseUrl ?? '') }]);
  let text = '';
  await assert.rejects(
    (async () => {
      for await (const ch of c.stream(request())) if (ch.type === 'text') text += ch.text;
    })(),
    (err: unknown) => err instanceof EngineError && err.code === 'UPSTREAM_ERROR',
  );
  assert.equal(text, 'I started ');
  assert.equal(second?.requests.length, 0);
});

test('every provider failing raises LLM_FAILED listing each attempt', async (t) => {
  const [first] = await fakes(t, 1);
  first?.enqueue({ status: 503 });
  const c = chain([{ provider: openai('a', first?.baseUrl ?? '') }, { provider: openai('b', await closedPortUrl()) }]);
  await assert.rejects(collect(c.stream(request())), (err: unknown) => {
    assert.ok(err instanceof EngineError && err.code === 'LLM_FAILED');
    assert.deepEqual(
      (err.details?.attempts as Array<{ id: string; code: string }>).map((a) => [a.id, a.code]),
      [
        ['a', 'UPSTREAM_ERROR'],
        ['b', 'UPSTREAM_UNREACHABLE'],
      ],
    );
    return true;
  });
});

test('a provider that keeps failing is skipped during its cooldown and tried again after it', async (t) => {
  const [first, second] = await fakes(t, 2);
  let clock = 1_000_000;
  first?.enqueue({ status: 500 }, { status: 500 });
  const c = chain([{ provider: openai('a', first?.baseUrl ?? '') }, { provider: openai('b', second?.baseUrl ?? '') }], { failuresBeforeCooldown: 2, cooldownMs: 10_000, now: () => clock });
  await collect(c.stream(request()));
  await collect(c.stream(request()));
  assert.equal(first?.requests.length, 2);
  assert.equal(c.snapshot().providers[0]?.state, 'cooling_down');
  await collect(c.stream(request()));
  assert.equal(first?.requests.length, 2, 'skipped while cooling down');
  assert.equal(second?.requests.length, 3);
  clock += 10_001;
  first?.enqueue({ text: 'recovered' });
  assert.equal(await collect(c.stream(request())), 'recovered');
  assert.equal(c.snapshot().providers[0]?.state, 'ok');
  assert.equal(c.snapshot().providers[0]?.consecutiveFailures, 0);
});

test('aborting the request stops the chain without trying the next provider', async (t) => {
  const [first, second] = await fakes(t, 2);
  first?.enqueue({ stall: 'first-token' });
  const ac = new AbortController();
  const c = chain([{ provider: openai('a', first?.baseUrl ?? '') }, { provider: openai('b', second?.baseUrl ?? '') }]);
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(collect(c.stream(request(ac.signal))), (err: unknown) => err instanceof EngineError && err.code === 'ABORTED');
  assert.equal(second?.requests.length, 0);
  assert.equal(c.snapshot().providers[0]?.failures, 0);
});

test('replace puts a provider in the place of another with fresh health; the old one answers no more', async (t) => {
  const [first, second] = await fakes(t, 2);
  first?.enqueue({ text: 'old' });
  second?.enqueue({ text: 'new' });
  const changes: string[][] = [];
  const c = chain([{ provider: openai('old', first?.baseUrl ?? '') }], { onChange: (s) => changes.push(s.providers.map((p) => p.id)) });
  assert.equal(await collect(c.stream(request())), 'old');
  assert.equal(c.replace('missing', { provider: openai('x', second?.baseUrl ?? '') }), false);
  assert.equal(c.replace('old', { provider: openai('new', second?.baseUrl ?? '') }), true);
  assert.deepEqual(changes.at(-1), ['new'], 'the status hears of it');
  assert.equal(c.snapshot().providers[0]?.state, 'unknown');
  assert.equal(await collect(c.stream(request())), 'new');
  assert.equal(first?.requests.length, 1);
  await c.dispose();
});
