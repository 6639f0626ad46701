import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, test } from 'node:test';
import { STREAMER } from '../../src/core/input.ts';
import type { FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import type { TestDaemon } from '../helpers/test-daemon.ts';
import type { TestClient } from '../helpers/ws-client.ts';
import { activeHistory } from '../e2e/history-client.ts';
import { startAgentDaemon, type AgentDaemon } from './agent-daemon.ts';

// The agent's side of starting early: `asr.tentative` (from the ASR stage at a VAD pause) prepares
// the reply; the voice input that follows takes it over, or anything else drops it.
const TOKEN = 'preemptive-admin';
let agent: AgentDaemon;
let fake: FakeOpenAiServer;
let d: TestDaemon;
let client: TestClient;

before(async () => {
  agent = await startAgentDaemon({ env: { VTUBER_ADMIN_TOKEN: TOKEN } });
  ({ fake, d, client } = agent);
  fake.handle((req) => {
    const last = [...req.messages].reverse().find((m) => m.role === 'user');
    return { text: `You said: ${String(last?.content)}. Nice!`, ttftMs: 120, tokenDelayMs: 5 };
  });
});
after(() => agent.stop());
beforeEach(() => {
  fake.requests.length = 0;
});

const CLIENT = 'mic-client';
const tentative = (text: string, pauseId: number): void => d.daemon.bus.emit('asr.tentative', { clientUid: CLIENT, pauseId, text, at: performance.now() });
const voice = (text: string) => d.daemon.input.push({ kind: 'voice', text, user: STREAMER, clientUid: CLIENT });

async function replyTo(from: number): Promise<{ turnId: string; text: string }> {
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  const turnId = String(start.turnId);
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === turnId, 10_000, from);
  const text = client.messages.filter((m) => m.type === 'reply-text' && m.turnId === turnId).map((m) => String(m.text)).join(' ');
  return { turnId, text };
}

test('the voice turn with the tentative text takes the early request over: one LLM request, sent before the turn existed', async () => {
  const from = client.messages.length;
  tentative('what is your favourite colour', 1);
  const [early] = await fake.waitForRequests(1);
  await sleep(40);
  const queuedAt = performance.now();
  voice('what is your favourite colour');
  const r = await replyTo(from);
  assert.match(r.text, /You said: what is your favourite colour/);
  assert.equal(fake.requests.length, 1, 'no second request');
  assert.ok((early?.receivedAt ?? Infinity) < queuedAt, 'the request went out before the input was queued');
  assert.equal(early?.clientClosedAt, undefined, 'it was not cancelled');
});

test('a different final text, or the voice coming back, drops the early request; nothing of it is stored or shown', async () => {
  const from = client.messages.length;
  tentative('tell me about', 2);
  await fake.waitForRequests(1);
  voice('tell me about your day');
  const r = await replyTo(from);
  assert.match(r.text, /You said: tell me about your day/);
  await fake.waitForClientClose(0);
  assert.equal(fake.requests.length, 2);

  tentative('and also', 3);
  await fake.waitForRequests(3);
  d.daemon.bus.emit('vad.speech_resume', { clientUid: CLIENT, pauseId: 3 });
  await fake.waitForClientClose(2);

  const history = await activeHistory(d.url, TOKEN);
  const said = history.filter((m) => m.role === 'user').map((m) => m.text);
  assert.ok(!said.includes('tell me about') && !said.includes('and also'), `history: ${JSON.stringify(said)}`);
  assert.ok(!client.messages.slice(from).some((m) => JSON.stringify(m).includes('and also')), 'clients saw nothing of the withdrawn text');
});

test('a tentative text ending on a comma or dash is mid-sentence and starts nothing', async () => {
  tentative('so anyway,', 5);
  tentative('and then —', 6);
  await sleep(150);
  assert.equal(fake.requests.length, 0);
});

test('a tentative text while a turn is running starts nothing (that turn will change the history first)', async () => {
  fake.handle(() => ({ text: 'A slow answer that takes a while.', ttftMs: 400, tokenDelayMs: 5 }));
  const from = client.messages.length;
  client.send({ type: 'text-input', text: 'typed question' });
  await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  tentative('spoken over it', 4);
  await sleep(150);
  assert.equal(fake.requests.length, 1, 'only the running turn asked the LLM');
  await client.waitFor((m) => m.type === 'turn-end', 10_000, from);
});
