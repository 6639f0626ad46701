import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Received } from '../helpers/ws-client.ts';
import { openaiProvider, startAgentDaemon, type AgentDaemon } from './agent-daemon.ts';

// A provider with `supports_tools: false` (a local model without function calling) gets the tools
// described in its system prompt and calls one by answering with one JSON object. Runs over real
// HTTP+SSE against the fake OpenAI server.
let agent: AgentDaemon;
let offTool: () => void;
let rolled: unknown[] = [];

before(async () => {
  agent = await startAgentDaemon({ providers: async (url) => [{ ...openaiProvider(url, 'no-tools'), supports_tools: false }] });
  offTool = agent.d.daemon.tools.register({
    name: 'dice',
    description: 'roll a die',
    parameters: { type: 'object', properties: { sides: { type: 'integer' } }, required: ['sides'], additionalProperties: false },
    source: 'test',
    execute: async (args) => {
      rolled.push(args);
      return `rolled ${Number(args.sides) - 2}`;
    },
  });
});
after(async () => {
  offTool();
  await agent.stop();
});

async function turn(text: string): Promise<Received[]> {
  const { client } = agent;
  const from = client.messages.length;
  client.send({ type: 'text-input', text });
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 10_000, from);
  return client.messages.filter((m) => m.turnId === start.turnId);
}

const spoken = (msgs: Received[]): string[] => msgs.filter((m) => m.type === 'reply-text').map((m) => m.text as string);

test('the tools are described in the system prompt and never sent as native tools', async () => {
  rolled = [];
  agent.fake.enqueue({ text: 'Hello there, friend.' });
  const msgs = await turn('hi');
  assert.deepEqual(spoken(msgs), ['Hello there,', 'friend.']);
  const req = agent.fake.requests[agent.fake.requests.length - 1];
  assert.equal(req?.tools, undefined, 'no native tools in the request');
  const system = req?.messages.find((m) => m.role === 'system');
  assert.match(String(system?.content), /- dice: roll a die/);
  assert.match(String(system?.content), /\{"tool": "<tool name>", "arguments"/);
});

test('a JSON tool call is run, its result goes back, and the spoken answer is the next round', async () => {
  rolled = [];
  const before = agent.fake.requests.length;
  agent.fake.enqueue({ tokens: ['{"tool": "di', 'ce", "arguments": {"sides": 6}}'] }, { text: 'It says four!' });
  const msgs = await turn('roll a die');
  assert.deepEqual(rolled, [{ sides: 6 }]);
  assert.deepEqual(spoken(msgs), ['It says four!'], 'the JSON call itself is never spoken');
  assert.deepEqual(msgs.filter((m) => m.type === 'tool-call-status').map((m) => m.status), ['running', 'completed']);
  const second = agent.fake.requests[before + 1];
  const last = second?.messages[second.messages.length - 1];
  assert.equal(last?.role, 'user');
  assert.match(String(last?.content), /Result of tool dice:\nrolled 4/);
});

test('an invalid call is answered with the error once, then the model answers in words', async () => {
  rolled = [];
  const before = agent.fake.requests.length;
  agent.fake.enqueue({ text: '{"tool": "dice", "arguments": {"faces": 6}}' }, { text: '{"tool": "nope"}' }, { text: 'Fine, no dice today.' });
  const msgs = await turn('roll it');
  assert.deepEqual(rolled, []);
  assert.deepEqual(spoken(msgs), ['Fine,', 'no dice today.']);
  const retry = agent.fake.requests[before + 1];
  assert.match(String(retry?.messages[retry.messages.length - 1]?.content), /missing required argument "sides"/);
});

test('an ordinary answer that starts like prose streams at once', async () => {
  agent.fake.enqueue({ text: 'Sure thing, here we go.', tokenDelayMs: 5 });
  assert.deepEqual(spoken(await turn('go')), ['Sure thing,', 'here we go.']);
});
