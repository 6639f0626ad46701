import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedPortUrl, startFakeOpenAiServer } from './fake-openai-server.ts';

async function readSse(res: Response): Promise<Array<Record<string, unknown>>> {
  const text = await res.text();
  const events = text
    .split('\n\n')
    .map((block) => block.replace(/^data: /, '').trim())
    .filter(Boolean);
  assert.equal(events.at(-1), '[DONE]');
  return events.slice(0, -1).map((e) => JSON.parse(e) as Record<string, unknown>);
}

function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
}

test('fake server streams scripted tokens, tool call deltas and usage, and records the request', async (t) => {
  const fake = await startFakeOpenAiServer();
  t.after(() => fake.close());
  fake.enqueue({ text: 'Hi there, friend.', reasoning: 'plan', toolCalls: [{ name: 'get_time', arguments: '{"tz":"UTC"}' }] });
  const res = await post(fake.baseUrl, { model: 'm1', stream: true, temperature: 0.3, stop: ['END'], messages: [{ role: 'user', content: 'hello' }], tools: [{ type: 'function' }] });
  assert.equal(res.status, 200);
  const events = await readSse(res);
  const deltas = events.flatMap((e) => (e.choices as Array<{ delta: Record<string, unknown> }>).map((c) => c.delta));
  const content = deltas.map((d) => d.content ?? '').join('');
  assert.equal(content, 'Hi there, friend.');
  assert.equal(deltas.map((d) => d.reasoning_content ?? '').join(''), 'plan');
  const args = deltas.flatMap((d) => (d.tool_calls as Array<{ function: { arguments?: string } }> | undefined) ?? []).map((c) => c.function.arguments ?? '').join('');
  assert.equal(args, '{"tz":"UTC"}');
  const usage = events.at(-1)?.usage as Record<string, number> | undefined;
  assert.ok((usage?.completion_tokens ?? 0) > 0);
  const [rec] = await fake.waitForRequests(1);
  assert.equal(rec?.model, 'm1');
  assert.deepEqual(rec?.sampling, { temperature: 0.3, stop: ['END'] });
  assert.equal(rec?.headers.authorization, 'Bearer k');
  assert.equal(rec?.tools?.length, 1);
});

test('fake server answers scripted 500s, non-stream requests, and refuses on a closed port', async (t) => {
  const fake = await startFakeOpenAiServer();
  t.after(() => fake.close());
  fake.enqueue({ status: 500 }, { text: 'plain answer' });
  const failed = await post(fake.baseUrl, { stream: true, messages: [] });
  assert.equal(failed.status, 500);
  assert.match(await failed.text(), /scripted failure/);
  const plain = (await (await post(fake.baseUrl, { messages: [] })).json()) as { choices: Array<{ message: { content: string } }> };
  assert.equal(plain.choices[0]?.message.content, 'plain answer');
  await assert.rejects(post(await closedPortUrl(), { messages: [] }), (err: Error) => /ECONNREFUSED/.test(String((err.cause as Error | undefined)?.message ?? err.cause)));
});

test('fake server notices when the client drops a stalled stream', async (t) => {
  const fake = await startFakeOpenAiServer();
  t.after(() => fake.close());
  fake.enqueue({ stall: 'first-token' });
  const ac = new AbortController();
  const res = await post(fake.baseUrl, { stream: true, messages: [] }, ac.signal);
  assert.equal(res.status, 200);
  ac.abort();
  const closedAt = await fake.waitForClientClose(0, 2000);
  assert.ok(closedAt > 0);
});
