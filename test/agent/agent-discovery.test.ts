import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { startFakeOllama } from '../fakes/fake-ollama.ts';
import { closedPortUrl, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

describe('agent finds a local Ollama with no provider configured', () => {
  let fake: FakeOpenAiServer;
  let d: TestDaemon;
  let client: TestClient;

  before(async () => {
    fake = await startFakeOllama();
    const origin = new URL(fake.baseUrl).origin;
    const dead = new URL(await closedPortUrl()).origin;
    d = await startTestDaemon({
      config: { character: { greeting: '', llm: { providers: [], discovery: { enabled: true, ollama_url: origin, lmstudio_url: dead, timeout_ms: 1000 } } } },
      stages: [createAgentStage()],
      env: { VTUBER_ADMIN_TOKEN: 'test-admin-token' },
      logLevel: 'info',
    });
    client = await TestClient.connect(d.wsUrl);
  });

  after(async () => {
    await client?.close();
    await d?.stop();
    await fake?.close();
  });

  test('a typed message is answered through the found server, on its first chat model', async () => {
    fake.enqueue({ text: 'Hello from Ollama.' });
    client.send({ type: 'text-input', text: 'hi' });
    await client.waitFor((m) => m.type === 'reply-text' && String(m.text).includes('Ollama'), 10_000);
    const req = fake.requests.find((r) => r.path === '/v1/chat/completions');
    assert.ok(req, 'the chat went to /v1/chat/completions');
    assert.equal((req.body as { model?: string }).model, 'llama3.2:1b', 'the embedding model is skipped');
    const res = await fetch(`${d.url}/admin/status`, { headers: { authorization: 'Bearer test-admin-token' } });
    const text = await res.text();
    assert.match(text, /ollama:llama3\.2:1b/, 'the found model is in /admin/status');
    const found = d.logs().find((l) => l.event === 'llm.local_server_found');
    assert.equal(found?.server, 'ollama', 'what was found is logged');
  });
});
