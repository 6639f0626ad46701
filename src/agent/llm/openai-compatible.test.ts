import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { closedPortUrl, startFakeOpenAiServer, type FakeOpenAiServer } from '../../../test/fakes/fake-openai-server.ts';
import { EngineError } from '../../core/errors.ts';
import type { LlmChunk, LlmRequest } from './llm-types.ts';
import { OpenAiCompatibleProvider, type OpenAiCompatibleOptions } from './openai-compatible.ts';

function provider(baseUrl: string, extra: Partial<OpenAiCompatibleOptions> = {}): OpenAiCompatibleProvider {
  return new OpenAiCompatibleProvider({ id: 'openai:fake', baseUrl, model: 'fake-model', apiKey: 'sk-test-secret-123456', connectTimeoutMs: 2000, firstTokenTimeoutMs: 2000, idleTimeoutMs: 2000, ...extra });
}

function request(extra: Partial<LlmRequest> = {}): LlmRequest {
  return { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], sampling: {}, signal: new AbortController().signal, ...extra };
}

async function collect(iter: AsyncIterable<LlmChunk>): Promise<LlmChunk[]> {
  const out: LlmChunk[] = [];
  for await (const c of iter) out.push(c);
  return out;
}

const textOf = (chunks: LlmChunk[], type: 'text' | 'reasoning' = 'text'): string => chunks.map((c) => (c.type === type ? c.text : '')).join('');

async function withFake(t: { after: (fn: () => Promise<void>) => void }): Promise<FakeOpenAiServer> {
  const fake = await startFakeOpenAiServer();
  t.after(() => fake.close());
  return fake;
}

async function rejectsWith(p: Promise<unknown>, code: string, check?: (e: EngineError) => void): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof EngineError, `expected EngineError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    check?.(err);
    return true;
  });
}

test('streams text token by token and sends model, key, messages and sampling settings', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ text: 'Hello chat, how are you today?', tokenDelayMs: 2 });
  const chunks = await collect(
    provider(fake.baseUrl).stream(request({ sampling: { temperature: 0.7, top_p: 0.9, frequency_penalty: 0.1, presence_penalty: 0.2, max_tokens: 64, stop: ['\nUser:'] } })),
  );
  assert.equal(textOf(chunks), 'Hello chat, how are you today?');
  assert.ok(chunks.filter((c) => c.type === 'text').length >= 5, 'text arrives in several chunks');
  const done = chunks.at(-1);
  assert.equal(done?.type, 'done');
  assert.equal(done?.type === 'done' ? done.finishReason : undefined, 'stop');
  assert.ok(done?.type === 'done' && (done.usage?.completionTokens ?? 0) > 0);
  const [rec] = fake.requests;
  assert.equal(rec?.model, 'fake-model');
  assert.equal(rec?.stream, true);
  assert.equal(rec?.headers.authorization, 'Bearer sk-test-secret-123456');
  assert.deepEqual(rec?.sampling, { temperature: 0.7, top_p: 0.9, frequency_penalty: 0.1, presence_penalty: 0.2, max_tokens: 64, stop: ['\nUser:'] });
  assert.deepEqual(
    rec?.messages.map((m) => [m.role, m.content]),
    [
      ['system', 'be brief'],
      ['user', 'hi'],
    ],
  );
});

test('reasoning_content and reasoning deltas become reasoning chunks, never text', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ reasoning: 'the user greets me', text: 'Hi!' }, { reasoning: 'hmm', reasoningField: 'reasoning', text: 'Yo.' });
  const a = await collect(provider(fake.baseUrl).stream(request()));
  assert.equal(textOf(a), 'Hi!');
  assert.equal(textOf(a, 'reasoning'), 'the user greets me');
  const b = await collect(provider(fake.baseUrl).stream(request()));
  assert.equal(textOf(b), 'Yo.');
  assert.equal(textOf(b, 'reasoning'), 'hmm');
});

test('<think> blocks split across chunks are hidden from text', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ tokens: ['<th', 'ink>I should', ' be nice</thi', 'nk', '>\n\nHi', ' there <', 'b>friend'] });
  const chunks = await collect(provider(fake.baseUrl).stream(request()));
  assert.equal(textOf(chunks), '\n\nHi there <b>friend');
  assert.equal(textOf(chunks, 'reasoning'), 'I should be nice');
  assert.ok(!textOf(chunks).includes('think'));
});

test('tool calls are assembled from streamed fragments', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({
    text: 'Let me check.',
    toolCalls: [
      { id: 'call_a', name: 'get_time', arguments: '{"timezone":"Europe/Berlin"}', fragments: 4 },
      { id: 'call_b', name: 'roll_dice', arguments: '{"sides":20}' },
    ],
  });
  const chunks = await collect(
    provider(fake.baseUrl).stream(request({ tools: [{ name: 'get_time', description: 'time', parameters: { type: 'object', properties: {} } }] })),
  );
  const calls = chunks.flatMap((c) => (c.type === 'tool_call' ? [c.call] : []));
  assert.deepEqual(calls, [
    { id: 'call_a', name: 'get_time', arguments: '{"timezone":"Europe/Berlin"}' },
    { id: 'call_b', name: 'roll_dice', arguments: '{"sides":20}' },
  ]);
  assert.equal(chunks.at(-1)?.type === 'done' ? chunks.at(-1) : undefined, chunks.at(-1));
  const sentTools = fake.requests[0]?.tools as Array<{ type: string; function: { name: string } }>;
  assert.equal(sentTools[0]?.function.name, 'get_time');
});

test('assistant tool calls and tool results are sent in the OpenAI wire format', async (t) => {
  const fake = await withFake(t);
  await collect(
    provider(fake.baseUrl).stream(
      request({
        messages: [
          { role: 'user', content: 'time?' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_time', arguments: '{}' }] },
          { role: 'tool', content: '12:00', toolCallId: 'c1', name: 'get_time' },
        ],
      }),
    ),
  );
  const msgs = fake.requests[0]?.messages ?? [];
  assert.deepEqual(msgs[1], { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_time', arguments: '{}' } }] });
  assert.deepEqual(msgs[2], { role: 'tool', content: '12:00', tool_call_id: 'c1', name: 'get_time' });
});

test('HTTP 500 becomes UPSTREAM_ERROR with the status and a body excerpt, without the key', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ status: 500, errorBody: 'model crashed; key was sk-test-secret-123456' });
  await rejectsWith(collect(provider(fake.baseUrl).stream(request())), 'UPSTREAM_ERROR', (e) => {
    assert.equal(e.details?.status, 500);
    assert.match(e.message, /HTTP 500: model crashed/);
    assert.ok(!e.message.includes('sk-test-secret-123456'));
  });
});

test('a refused connection becomes UPSTREAM_UNREACHABLE', async () => {
  await rejectsWith(collect(provider(await closedPortUrl()).stream(request())), 'UPSTREAM_UNREACHABLE', (e) => assert.match(e.message, /ECONNREFUSED/));
});

test('a stall before the first token becomes TIMEOUT', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ stall: 'first-token' }, { stall: 'headers' });
  const started = performance.now();
  await rejectsWith(collect(provider(fake.baseUrl, { firstTokenTimeoutMs: 150 }).stream(request())), 'TIMEOUT', (e) => assert.equal(e.details?.phase, 'first-token'));
  assert.ok(performance.now() - started < 1500);
  await rejectsWith(collect(provider(fake.baseUrl, { connectTimeoutMs: 150 }).stream(request())), 'TIMEOUT', (e) => assert.equal(e.details?.phase, 'connect'));
  await fake.waitForClientClose(0, 2000);
});

test('a stall between tokens becomes TIMEOUT after the idle limit', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ text: 'one two', tokenDelayMs: 1000 });
  const got: LlmChunk[] = [];
  await rejectsWith(
    (async () => {
      for await (const c of provider(fake.baseUrl, { idleTimeoutMs: 150 }).stream(request())) got.push(c);
    })(),
    'TIMEOUT',
    (e) => assert.equal(e.details?.phase, 'idle'),
  );
  assert.equal(textOf(got), 'one ');
});

test('aborting the signal stops the stream within 50 ms and closes the connection', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ text: 'a b c d e f g h i j k l m n o p', tokenDelayMs: 100 });
  const ac = new AbortController();
  const got: string[] = [];
  let abortedAt = 0;
  await rejectsWith(
    (async () => {
      for await (const c of provider(fake.baseUrl).stream(request({ signal: ac.signal }))) {
        if (c.type === 'text') got.push(c.text);
        if (got.length === 2 && abortedAt === 0) {
          setTimeout(() => {
            abortedAt = performance.now();
            ac.abort();
          }, 30);
        }
      }
    })(),
    'ABORTED',
  );
  const stoppedAfter = performance.now() - abortedAt;
  assert.ok(stoppedAfter < 50, `stream stopped ${stoppedAfter.toFixed(1)} ms after abort`);
  assert.equal(got.length, 2);
  await fake.waitForClientClose(0, 1000);
});

test('a mid-stream disconnect raises UPSTREAM_ERROR after the text already streamed', async (t) => {
  const fake = await withFake(t);
  fake.enqueue({ text: 'I was saying something important', disconnectAfterTokens: 3 });
  const got: LlmChunk[] = [];
  await rejectsWith(
    (async () => {
      for await (const c of provider(fake.baseUrl).stream(request())) got.push(c);
    })(),
    'UPSTREAM_ERROR',
    (e) => assert.equal(e.details?.afterDeltas, 3),
  );
  assert.equal(textOf(got), 'I was saying ');
});

test('an error event inside the stream becomes UPSTREAM_ERROR', async (t) => {
  const fake = await withFake(t);
  fake.route('POST', '/v1/chat/completions', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(': keep-alive\r\n\r\ndata: {"error":{"message":"context length exceeded","code":400}}\r\n\r\n');
  });
  await rejectsWith(collect(provider(fake.baseUrl).stream(request())), 'UPSTREAM_ERROR', (e) => assert.match(e.message, /context length exceeded/));
});
