import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgentStage } from '../../../src/agent/agent-stage.ts';
import { createProviderChain } from '../../../src/agent/llm/create-provider-chain.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { TestClient, type Received } from '../../../test/helpers/ws-client.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../../test/fakes/fake-openai-server.ts';
import { TOKEN, serverInfo, testServerEntry, waitFor } from './mcp-harness.ts';

// The real agent stage talks to the fake OpenAI-compatible server, which is scripted to call tools
// that run in the real MCP child process over stdio.
let llm: FakeOpenAiServer;
let td: TestDaemon;
let ws: TestClient;

before(async () => {
  llm = await startFakeOpenAiServer();
  td = await startTestDaemon({
    config: {
      character: { llm: { providers: [{ type: 'openai', base_url: llm.baseUrl, model: 'fake' }] } },
      agent: { greeting: false },
      plugins: { enabled: ['mcp'], mcp: { servers: { tools: testServerEntry() }, enabled_servers: ['tools'], call_timeout_ms: 3000, reconnect: { initial_ms: 200, max_ms: 1000 } } },
    },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
    // NOTE: src/stages.ts does not build the provider chain from character.llm yet; the test does.
    stages: [createAgentStage({ llm: (ctx) => ({ provider: createProviderChain(ctx.config.character.llm, ctx.settings, ctx.log) }) })],
  });
  await waitFor('tools server ready', () => serverInfo(td, 'tools')?.state === 'ready');
  ws = await TestClient.connect(td.wsUrl);
  await ws.waitForType('hello');
});

after(async () => {
  await ws.close();
  await td.stop();
  await llm.close();
});

async function turn(text: string): Promise<Received[]> {
  const from = ws.messages.length;
  ws.send({ type: 'text-input', text });
  const start = await ws.waitFor((m) => m.type === 'turn-start', 10_000, from);
  await ws.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 20_000, from);
  return ws.messages.slice(from).filter((m) => m.turnId === start.turnId);
}

test('the model calls an MCP tool, gets the result back and the reply uses it; statuses in order, once', async () => {
  llm.enqueue({ toolCalls: [{ id: 'call_add', name: 'mcp_tools_add', arguments: '{"a": 19, "b": 23}' }] });
  llm.handle((req) => {
    const toolMsg = req.messages.find((m) => m.role === 'tool');
    return { text: `The answer is ${String(toolMsg?.content)}.` };
  });
  const msgs = await turn('what is 19 plus 23?');
  const first = llm.requests.at(-2);
  assert.ok((first?.tools ?? []).some((t) => (t as { function?: { name?: string } }).function?.name === 'mcp_tools_add'), 'the tool is offered to the model');
  const second = llm.requests.at(-1);
  assert.equal(second?.messages.find((m) => m.role === 'tool')?.content, '42');
  const statuses = msgs.filter((m) => m.type === 'tool-call-status');
  assert.deepEqual(statuses.map((m) => [m.status, m.name]), [
    ['running', 'mcp_tools_add'],
    ['completed', 'mcp_tools_add'],
  ]);
  assert.match(msgs.filter((m) => m.type === 'reply-text').map((m) => m.text).join(' '), /The answer is 42\./);
  assert.equal(msgs.find((m) => m.type === 'turn-end')?.state, 'completed');
});

test('a server crash mid-call gives an error status and a spoken recovery, not a stuck turn', async () => {
  const pid = Number(serverInfo(td, 'tools')?.pid);
  llm.enqueue({ toolCalls: [{ id: 'call_crash', name: 'mcp_tools_crash', arguments: '{}' }] });
  llm.handle((req) => {
    const toolMsg = req.messages.find((m) => m.role === 'tool');
    return { text: String(toolMsg?.content).startsWith('Error') ? 'Oops, my calculator broke, sorry!' : 'hm' };
  });
  const msgs = await turn('crash it');
  const statuses = msgs.filter((m) => m.type === 'tool-call-status');
  assert.deepEqual(statuses.map((m) => m.status), ['running', 'error']);
  assert.match(String(statuses[1]?.content), /closed/);
  assert.match(msgs.filter((m) => m.type === 'reply-text').map((m) => m.text).join(' '), /calculator broke/);
  assert.equal(msgs.find((m) => m.type === 'turn-end')?.state, 'completed');
  await waitFor('server restarted', () => serverInfo(td, 'tools')?.state === 'ready' && Number(serverInfo(td, 'tools')?.pid) !== pid);
});
