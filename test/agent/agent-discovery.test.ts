import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { closedPortUrl, startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

/**
 * A fake Ollama: GET /api/tags as in Ollama's API docs ("List Local Models": `{ models: [{ name, model,
 * modified_at, size, digest, details }] }`), chat through its OpenAI compatibility endpoint
 * /v1/chat/completions (SSE), which the shared fake OpenAI server speaks.
 */
async function startFakeOllama(): Promise<FakeOpenAiServer> {
  const fake = await startFakeOpenAiServer();
  const tag = (name: string) => ({ name, model: name, modified_at: '2026-01-01T00:00:00Z', size: 1, digest: 'sha256:0', details: { format: 'gguf', family: 'qwen2' } });
  fake.route('GET', '/api/tags', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ models: [tag('nomic-embed-text:latest'), tag('llama3.2:1b')] }));
  });
  return fake;
}

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
