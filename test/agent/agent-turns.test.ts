import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { HistoryStore } from '../../src/agent/history/history-store.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient, type Received } from '../helpers/ws-client.ts';
import { ScriptedProvider } from './scripted-provider.ts';
import path from 'node:path';

let d: TestDaemon;
let client: TestClient;
const llm = new ScriptedProvider();

before(async () => {
  d = await startTestDaemon({ config: { character: { greeting: '' } }, stages: [createAgentStage({ llm: () => ({ provider: llm }) })], logLevel: 'info' });
  client = await TestClient.connect(d.wsUrl);
});
after(async () => {
  await client.close();
  await d.stop();
});

function turnMessages(turnId: string): Received[] {
  return client.messages.filter((m) => m.turnId === turnId);
}

async function say(text: string): Promise<string> {
  const from = client.messages.length;
  client.send({ type: 'text-input', text });
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 5000, from);
  return start.turnId as string;
}

test('a text input becomes a reply: segments, emotions and motions reach clients without tags', async () => {
  llm.script({ chunks: ['[emo', 'tion: happy] Hi there, stre', 'amer! How was your day? [motion: wave]', '[bogus] <think>hidden plan</think>Nice.'] });
  const turnId = await say('hello');
  const msgs = turnMessages(turnId);
  const texts = msgs.filter((m) => m.type === 'reply-text').map((m) => m.text);
  assert.deepEqual(texts, ['Hi there,', 'streamer!', 'How was your day?', 'Nice.']);
  assert.deepEqual(msgs.filter((m) => m.type === 'emotion').map((m) => m.name), ['happy']);
  assert.deepEqual(msgs.filter((m) => m.type === 'motion').map((m) => m.name), ['wave']);
  // One order on every path (the turn-output port): a segment's reply-text, then its emotion and motion.
  const emotionAt = msgs.findIndex((m) => m.type === 'emotion');
  const textsAt = msgs.flatMap((m, i) => (m.type === 'reply-text' ? [i] : []));
  assert.ok((textsAt[0] as number) < emotionAt && emotionAt < (textsAt[1] as number), 'the emotion goes out with the segment it precedes, right after its text');
  const end = msgs.find((m) => m.type === 'turn-end') as Received;
  assert.equal(end.state, 'completed');
});

test('the model sees the persona prompt, the tag list and the dialogue so far', async () => {
  llm.script({ chunks: ['Sure thing.'] });
  await say('second question');
  const req = llm.requests[llm.requests.length - 1];
  assert.ok(req);
  const system = req.messages[0]?.content ?? '';
  assert.match(system, /\[emotion: name\] with name one of: neutral, happy, joy/);
  const roles = req.messages.map((m) => m.role);
  assert.deepEqual(roles.slice(-3), ['user', 'assistant', 'user']);
  assert.equal(req.messages.at(-1)?.content, 'second question');
  assert.equal(req.messages.at(-2)?.content, 'Hi there, streamer! How was your day? Nice.');
});

test('an LLM failure mid-stream becomes a spoken apology and an error message', async () => {
  llm.script({ chunks: ['Well, let me think about'], failWith: 'UPSTREAM_ERROR' });
  const turnId = await say('break please');
  const msgs = turnMessages(turnId);
  const err = msgs.find((m) => m.type === 'error');
  assert.equal(err?.code, 'UPSTREAM_ERROR');
  const texts = msgs.filter((m) => m.type === 'reply-text').map((m) => m.text as string);
  assert.equal(texts[0], 'Well,');
  assert.match(texts.slice(1).join(' '), /Sorry, I lost my train of thought/);
});

test('a verbatim system input is spoken as-is without calling the LLM', async () => {
  const before = llm.requests.length;
  const from = client.messages.length;
  d.daemon.input.push({ kind: 'system', text: '[emotion: smug] Exactly as written, no model.', user: { id: 'mcp:say', displayName: 'MCP', platform: 'mcp' }, verbatim: true });
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 5000, from);
  assert.equal(llm.requests.length, before);
  const msgs = turnMessages(start.turnId as string);
  assert.deepEqual(msgs.filter((m) => m.type === 'reply-text').map((m) => m.text), ['Exactly as written,', 'no model.']);
  assert.equal(msgs.find((m) => m.type === 'emotion')?.name, 'smug');
});

test('tool calls run the tool, report status, and the model continues with the result', async () => {
  const off = d.daemon.tools.register({
    name: 'dice',
    description: 'roll a die',
    parameters: { type: 'object', properties: { sides: { type: 'number' } } },
    source: 'test',
    execute: async (args) => `rolled ${Number(args.sides) - 2}`,
  });
  try {
    llm.script({ chunks: ['Let me roll. '], toolCalls: [{ id: 'c1', name: 'dice', arguments: '{"sides":6}' }] }, { chunks: ['It says four!'] });
    const turnId = await say('roll a die');
    const statuses = turnMessages(turnId).filter((m) => m.type === 'tool-call-status').map((m) => m.status);
    assert.deepEqual(statuses, ['running', 'completed']);
    const second = llm.requests[llm.requests.length - 1];
    const toolMsg = second?.messages.find((m) => m.role === 'tool');
    assert.equal(toolMsg?.content, 'rolled 4');
    assert.equal(toolMsg?.toolCallId, 'c1');
    assert.ok(second?.messages.some((m) => m.role === 'assistant' && m.toolCalls?.[0]?.name === 'dice'));
    assert.deepEqual(turnMessages(turnId).filter((m) => m.type === 'reply-text').map((m) => m.text), ['Let me roll.', 'It says four!']);
  } finally {
    off();
  }
});

test('history is stored in SQLite with source, user and emotions', async () => {
  const store = new HistoryStore(path.join(d.dataDir, 'history.sqlite'));
  try {
    const [conv] = store.listConversations(1);
    assert.ok(conv);
    const msgs = store.messages(conv.id);
    const first = msgs.find((m) => m.role === 'user' && m.text === 'hello');
    assert.equal(first?.source, 'text');
    assert.equal(first?.userId, 'local:streamer');
    const reply = msgs.find((m) => m.role === 'assistant');
    assert.deepEqual(reply?.emotions, ['happy']);
    assert.ok(typeof reply?.timings.total === 'number');
  } finally {
    store.close();
  }
});
