import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { ScriptedProvider } from './scripted-provider.ts';

const TOKEN = 'agent-admin-token-123';
let d: TestDaemon;
let client: TestClient;
const llm = new ScriptedProvider();

before(async () => {
  d = await startTestDaemon({
    // characters/default.yaml (the active character) carries the greeting.
    config: { agent: { interruption: { min_speech_ms: 150 }, chat: { batch_threshold: 4 } } },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
    stages: [createAgentStage({ llm: () => ({ provider: llm }) })],
    logLevel: 'info',
  });
  client = await TestClient.connect(d.wsUrl);
});
after(async () => {
  await client.close();
  await d.stop();
});

const admin = (p: string, init: RequestInit = {}) =>
  fetch(`${d.url}${p}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

async function turn(push: () => void): Promise<string> {
  const from = client.messages.length;
  push();
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 5000, from);
  return start.turnId as string;
}

test('the greeting is spoken verbatim when the first client connects', async () => {
  const text = await client.waitFor((m) => m.type === 'reply-text', 5000);
  assert.equal(text.text, 'Hi everyone,');
  assert.ok(client.messages.some((m) => m.type === 'emotion' && m.turnId === text.turnId && m.name === 'happy'));
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === text.turnId, 5000);
  assert.equal(llm.requests.length, 0, 'no LLM call for the greeting');
});

test('a chat flood becomes one chat_batch turn', async () => {
  // Keep the agent busy so chat piles up behind the current turn.
  llm.script({ chunks: ['Hold on, ', 'one moment please.'], ttftMs: 300 }, { chunks: ['Wow, chat is on fire!'] });
  const from = client.messages.length;
  client.send({ type: 'text-input', text: 'busy' });
  await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  for (let i = 0; i < 6; i++) d.daemon.input.push({ kind: 'chat', text: i % 2 ? 'POGGERS' : 'poggers lol', user: { id: `twitch:${i}`, displayName: `viewer${i}`, platform: 'twitch' } });
  const batchStart = await client.waitFor((m) => m.type === 'turn-start' && m.source === 'chat_batch', 5000, from);
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === batchStart.turnId, 5000, from);
  const req = llm.requests[llm.requests.length - 1];
  const content = req?.messages.at(-1)?.content ?? '';
  assert.match(content, /Chat is going wild/);
  assert.match(content, /viewer5: POGGERS/);
  assert.match(content, /Most repeated: "poggers", 6 times/);
  assert.equal(d.daemon.input.size, 0);
});

test('barge-in: speech shorter than min_speech_ms is ignored, longer speech interrupts', async () => {
  llm.script({ chunks: ['One, ', 'two, ', 'three, ', 'four, ', 'five, ', 'six.'], tokenDelayMs: 150 }, { chunks: ['Again, ', 'a ', 'long ', 'count ', 'here.'], tokenDelayMs: 150 });
  const from = client.messages.length;
  client.send({ type: 'text-input', text: 'count' });
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  await client.waitFor((m) => m.type === 'reply-text' && m.turnId === start.turnId, 5000, from);
  d.daemon.bus.emit('vad.speech_start', { clientUid: 'mic', at: performance.now(), startMs: 0 });
  d.daemon.bus.emit('vad.speech_end', { clientUid: 'mic', samples: new Float32Array(0), startMs: 0, endMs: 50, preRollMs: 0, at: performance.now(), speechEndAt: performance.now() });
  const end = await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 5000, from);
  assert.equal(end.state, 'completed', 'a cough does not interrupt');

  const from2 = client.messages.length;
  client.send({ type: 'text-input', text: 'count again' });
  const start2 = await client.waitFor((m) => m.type === 'turn-start', 5000, from2);
  await client.waitFor((m) => m.type === 'reply-text' && m.turnId === start2.turnId, 5000, from2);
  d.daemon.bus.emit('vad.speech_start', { clientUid: 'mic', at: performance.now(), startMs: 0 });
  const end2 = await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start2.turnId, 5000, from2);
  assert.equal(end2.state, 'interrupted');
  assert.ok(client.messages.some((m) => m.type === 'audio-stop' && m.turnId === start2.turnId));
});

test('admin history: list, read, delete a message and everything after it, resume', async () => {
  await turn(() => client.send({ type: 'text-input', text: 'first' }));
  await turn(() => client.send({ type: 'text-input', text: 'second' }));
  assert.equal((await fetch(`${d.url}/admin/history`)).status, 401);
  const list = (await (await admin('/admin/history')).json()) as { active: string; conversations: Array<{ id: string; messageCount: number }> };
  const conv = list.conversations.find((c) => c.id === list.active);
  assert.ok(conv && conv.messageCount >= 4);
  const read = (await (await admin(`/admin/history/${list.active}`)).json()) as { messages: Array<{ id: number; role: string; text: string }> };
  const first = read.messages.find((m) => m.text === 'first');
  assert.ok(first);
  const del = await admin(`/admin/history/${list.active}/messages/${first.id}`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  const after = (await (await admin(`/admin/history/${list.active}`)).json()) as { messages: Array<{ id: number }> };
  assert.ok(after.messages.every((m) => m.id < first.id), 'every later message is gone too');
  assert.equal((await admin(`/admin/history/${list.active}/messages/999999`, { method: 'DELETE' })).status, 404);
  const fresh = (await (await admin('/admin/history/resume', { method: 'POST', body: JSON.stringify({ new: true }) })).json()) as { active: string };
  assert.notEqual(fresh.active, list.active);
  const resumed = (await (await admin('/admin/history/resume', { method: 'POST', body: JSON.stringify({ conversationId: list.active }) })).json()) as { active: string };
  assert.equal(resumed.active, list.active);
  await turn(() => client.send({ type: 'text-input', text: 'third' }));
  const req = llm.requests[llm.requests.length - 1];
  assert.ok(!req?.messages.some((m) => m.content === 'first' || m.content === 'second'), 'deleted messages are not in the prompt');
  assert.equal((await admin('/admin/history/resume', { method: 'POST', body: JSON.stringify({ conversationId: 'nope' }) })).status, 404);
});
