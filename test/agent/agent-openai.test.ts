import assert from 'node:assert/strict';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { HistoryStore } from '../../src/agent/history/history-store.ts';
import { closedPortUrl, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import type { TestDaemon } from '../helpers/test-daemon.ts';
import type { Received, TestClient } from '../helpers/ws-client.ts';
import { openaiProvider as openai, startAgentDaemon, type AgentDaemon } from './agent-daemon.ts';

let agent: AgentDaemon;
let fake: FakeOpenAiServer;
let d: TestDaemon;
let client: TestClient;

before(async () => {
  // A refused provider first, so every turn also exercises the fallback to the fake.
  agent = await startAgentDaemon({ providers: async (fakeUrl) => [openai(await closedPortUrl(), 'dead'), openai(fakeUrl, 'fake')] });
  ({ fake, d, client } = agent);
});
after(() => agent.stop());

async function startTurn(text: string): Promise<{ turnId: string; from: number }> {
  const from = client.messages.length;
  client.send({ type: 'text-input', text });
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  return { turnId: start.turnId as string, from };
}

async function endOf(turnId: string, from: number): Promise<Received> {
  return client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, 10_000, from);
}

function texts(turnId: string): string[] {
  return client.messages.filter((m) => m.turnId === turnId && m.type === 'reply-text').map((m) => m.text as string);
}

test('over real HTTP+SSE (after falling back from a refused provider): first clause, tags as events, reasoning and <think> hidden', async () => {
  fake.enqueue({ reasoning: 'I should greet them warmly.', tokens: ['<think>secret', ' plan</think>', '[emotion: ', 'joy] Oh', ' hey', ' there,', ' welcome back! ', '[motion: wave]', 'Missed you.'], tokenDelayMs: 5 });
  const { turnId, from } = await startTurn('hi');
  const end = await endOf(turnId, from);
  assert.equal(end.state, 'completed');
  assert.deepEqual(texts(turnId), ['Oh hey there,', 'welcome back!', 'Missed you.']);
  const msgs = client.messages.filter((m) => m.turnId === turnId);
  assert.deepEqual(msgs.filter((m) => m.type === 'emotion').map((m) => m.name), ['joy']);
  assert.deepEqual(msgs.filter((m) => m.type === 'motion').map((m) => m.name), ['wave']);
  const all = JSON.stringify(msgs);
  assert.doesNotMatch(all, /secret|plan|greet them|\[emotion|\[motion/);
  const timings = end.timings as Record<string, number>;
  assert.ok(timings['llm_first_token→first_clause'] !== undefined, 'first clause is marked');
});

test('a mid-stream disconnect becomes a spoken apology and an error message', async () => {
  fake.enqueue({ text: 'Well, I was going to tell you a long story about', tokenDelayMs: 5, disconnectAfterTokens: 4 });
  const { turnId, from } = await startTurn('tell me a story');
  await endOf(turnId, from);
  const err = client.messages.find((m) => m.turnId === turnId && m.type === 'error');
  assert.ok(err, 'an error message is sent');
  const spoken = texts(turnId);
  assert.equal(spoken[0], 'Well,');
  assert.match(spoken.join(' '), /Sorry, I lost my train of thought/);
});

test('barge-in: an interrupt 300 ms into a slow reply stops generation within 50 ms; history keeps the heard part and one marker', async () => {
  const story = 'Once upon a time, there was a tiny robot who loved to sing every single morning before the sun came up over the hills and valleys far away.';
  fake.enqueue({ text: story, tokenDelayMs: 60 });
  const interruptedAt: number[] = [];
  const off = d.daemon.bus.on('turn.interrupt_requested', () => interruptedAt.push(performance.now()));
  try {
    const { turnId, from } = await startTurn('tell me about the robot');
    const reqIndex = fake.requests.length - 1;
    await new Promise((r) => setTimeout(r, 300));
    client.send({ type: 'interrupt' });
    const closedAt = await fake.waitForClientClose(reqIndex, 3000);
    const end = await endOf(turnId, from);
    assert.equal(end.state, 'interrupted');
    const stopMs = closedAt - (interruptedAt[0] as number);
    assert.ok(stopMs <= 50, `generation stopped ${stopMs.toFixed(1)} ms after the interrupt`);
    assert.ok(client.messages.some((m) => m.type === 'audio-stop' && m.turnId === turnId), 'clients are told to drop audio');
    const heard = texts(turnId).join(' ');
    assert.ok(heard.length > 0 && story.startsWith(heard.replace(/ +/g, ' ')), `heard a prefix: "${heard}"`);
    const store = new HistoryStore(path.join(d.dataDir, 'history.sqlite'));
    try {
      const [conv] = store.listConversations(1);
      const reply = store.messages(conv?.id ?? '').filter((m) => m.turnId === turnId && m.role === 'assistant')[0];
      assert.equal(reply?.interrupted, true);
      assert.equal(reply?.text, heard);
      assert.ok(reply?.fullText === null || reply?.fullText?.startsWith(heard), 'the generated text, when longer, is kept apart');
    } finally {
      store.close();
    }
  } finally {
    off();
  }
});

test('five interrupts in a row leave exactly five markers, each reply cut where it was heard', async () => {
  for (let i = 0; i < 5; i++) {
    fake.enqueue({ text: `Attempt ${i}, this reply goes on and on for quite a while so it can be cut off.`, tokenDelayMs: 40 });
    const { turnId, from } = await startTurn(`question ${i}`);
    await client.waitFor((m) => m.type === 'reply-text' && m.turnId === turnId, 5000, from);
    client.send({ type: 'interrupt', heardText: `Attempt ${i},` });
    await endOf(turnId, from);
  }
  fake.enqueue({ text: 'Okay, I will stop rambling.' });
  const { turnId, from } = await startTurn('are you done?');
  await endOf(turnId, from);
  const last = fake.requests[fake.requests.length - 1];
  const dialogue = (last?.messages ?? []).filter((m) => m.role !== 'system').map((m) => String(m.content));
  const markers = dialogue.join('\n').split('[interrupted]').length - 1;
  assert.equal(markers >= 5, true);
  const recent = dialogue.slice(-11);
  assert.equal(recent.join('\n').split('[interrupted]').length - 1, 5, 'exactly five markers for the five cut replies');
  for (let i = 0; i < 5; i++) assert.ok(recent.includes(`Attempt ${i}, [interrupted]`), `reply ${i} is stored as heard plus one marker`);
  assert.equal(recent.at(-1), 'are you done?');
});
