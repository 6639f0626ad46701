import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgentStage } from '../src/agent/agent-stage.ts';
import { memoryStage } from '../src/memory/memory-stage.ts';
import { createTtsStage } from '../src/tts/index.ts';
import { startAgentDaemon, type AgentDaemon } from './agent/agent-daemon.ts';
import { until } from './helpers/memory-fixtures.ts';
import { ScriptedEngine } from './helpers/scripted-tts-engine.ts';
import type { TestDaemon } from './helpers/test-daemon.ts';
import type { FakeOpenAiServer } from './fakes/fake-openai-server.ts';
import type { TestClient } from './helpers/ws-client.ts';

// The logging policy (docs/logging.md): the lines of one input, from the queue through the agent,
// memory and TTS, carry where it came from (client_uid + ws_seq here); each turn writes `perf`
// lines with `stage` and `latency_ms`; HTTP requests go to the access sink with its keys.
let agent: AgentDaemon;
let fake: FakeOpenAiServer;
let td: TestDaemon;
let client: TestClient;

before(async () => {
  agent = await startAgentDaemon({
    config: { memory: { consolidation: { interval_minutes: 0 } } },
    stages: [memoryStage, createAgentStage(), createTtsStage({ engines: () => [new ScriptedEngine('scripted', () => ({ kind: 'speak', firstMs: 5, chunks: 2, chunkMs: 50 }))] })],
    logLevel: 'debug',
  });
  ({ fake, d: td, client } = agent);
  await until(() => td.daemon.status.get('stage', 'memory')?.state === 'live', 30_000, 'memory live');
});

after(() => agent?.stop());

test('the lines of one websocket input carry its client_uid and ws_seq from the queue to agent, memory and TTS, and the turn gets perf lines', async () => {
  const hello = client.messages.find((m) => m.type === 'hello');
  const uid = hello?.clientUid as string;
  client.send({ type: 'ping' });
  fake.enqueue({ tokens: ['Oh, ', 'Biscuit is ', 'a lovely name ', 'for a cat!'] });
  const from = client.messages.length;
  client.send({ type: 'text-input', text: 'my cat is called Biscuit and she is very fluffy' });
  const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
  await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 15_000, from);
  const turnId = start.turnId as string;
  await until(() => td.logs().some((l) => l.event === 'memory.turn_written' && l.turn_id === turnId), 5000, 'the memory line');

  const mine = td.logs().filter((l) => l.client_uid === uid && l.ws_seq === 2);
  const events = new Set(mine.map((l) => `${String(l.component)}:${String(l.event)}`));
  for (const e of ['queue:input.queued', 'agent:agent.prompt', 'memory:memory.turn_written', 'tts:tts.turn_spoken', 'perf:perf.stage']) {
    assert.ok(events.has(e), `${e} carries client_uid and ws_seq; got ${[...events].join(', ')}`);
  }
  assert.ok(!td.logs().some((l) => l.event === 'agent.prompt' && l.turn_id === turnId && l.client_uid !== uid), 'no agent line of the turn lacks the trace');

  const perf = td.logs().filter((l) => l.component === 'perf' && l.turn_id === turnId);
  const stages = perf.map((l) => l.stage as string);
  for (const s of ['queued→started', 'started→llm_first_token', 'tts_first_audio→first_audio_sent', 'total']) assert.ok(stages.includes(s), `perf stage ${s} in ${stages.join(', ')}`);
  for (const l of perf) assert.equal(typeof l.latency_ms, 'number');
});

test('HTTP requests are written to the access sink with route, status, latency_ms and payload_size', async () => {
  const res = await fetch(`${td.url}/admin/memory/search?q=x`, { headers: { 'x-request-id': 'access-check-1' } });
  assert.equal(res.status, 404, 'admin is off without a token');
  await until(() => td.logs().some((l) => l.request_id === 'access-check-1'), 2000, 'the access line');
  const line = td.logs().find((l) => l.request_id === 'access-check-1' && l.event === 'http.request');
  assert.ok(line);
  assert.equal(line.component, 'access');
  assert.equal(line.route, '/admin/memory/search');
  assert.equal(line.status, 404);
  assert.equal(typeof line.latency_ms, 'number');
  assert.equal(line.payload_size, 0);
  const files = td.fileLogs();
  assert.ok(!files.some((l) => l.includes('"access-check-1"')), 'access lines are not in the main log file');
});
