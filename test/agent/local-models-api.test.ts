import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { OpenAiCompatibleProvider } from '../../src/agent/llm/openai-compatible.ts';
import type { LocalModelsView } from '../../src/agent/llm/local-models.ts';
import { startFakeOllama, type FakeOllama } from '../fakes/fake-ollama.ts';
import { closedPortUrl } from '../fakes/fake-openai-server.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

const TOKEN = 'test-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin API for the models of a found Ollama (/admin/llm/local)', () => {
  let fake: FakeOllama;
  let d: TestDaemon;
  let client: TestClient;
  let dead: string;

  const get = async (): Promise<LocalModelsView> => {
    const res = await fetch(`${d.url}/admin/llm/local`, { headers: auth });
    assert.equal(res.status, 200);
    return (await res.json()) as LocalModelsView;
  };
  const use = (body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${d.url}/admin/llm/local-model`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const turn = async (text: string, reply: string): Promise<void> => {
    fake.enqueue({ text: reply });
    client.send({ type: 'text-input', text });
    await client.waitFor((m) => m.type === 'reply-text' && String(m.text).includes(reply.split(' ')[0] ?? reply), 10_000);
  };

  before(async () => {
    fake = await startFakeOllama(['nomic-embed-text:latest', 'llama3.2:1b', 'qwen2.5:3b']);
    dead = new URL(await closedPortUrl()).origin;
    d = await startTestDaemon({
      config: { character: { greeting: '', llm: { providers: [], discovery: { enabled: true, ollama_url: new URL(fake.baseUrl).origin, lmstudio_url: dead, timeout_ms: 1000 } } } },
      stages: [createAgentStage()],
      env: { VTUBER_ADMIN_TOKEN: TOKEN },
      logLevel: 'info',
    });
    client = await TestClient.connect(d.wsUrl);
  });

  after(async () => {
    await client?.close();
    await d?.stop();
    await fake?.close();
  });

  test('without the admin token: 401', async () => {
    assert.equal((await fetch(`${d.url}/admin/llm/local`)).status, 401);
    assert.equal((await use({ server: 'ollama', model: 'qwen2.5:3b' }, {})).status, 401);
    assert.equal((await fetch(`${d.url}/admin/llm/local/probe`, { method: 'POST' })).status, 401);
  });

  test('GET lists the two chat models (not the embedding one), the first in use after a turn', async () => {
    await turn('hi', 'Firstmodel here.');
    const view = await get();
    assert.equal(view.enabled, true);
    assert.deepEqual(view.probed, { ollama: new URL(fake.baseUrl).origin, lmstudio: dead });
    assert.equal(view.servers.length, 1, 'LM Studio does not answer');
    const [ollama] = view.servers;
    assert.equal(ollama?.server, 'ollama');
    assert.equal(ollama?.base_url, fake.baseUrl);
    assert.deepEqual(ollama?.models, [
      { name: 'llama3.2:1b', in_use: true, active: true },
      { name: 'qwen2.5:3b', in_use: false, active: false },
    ]);
  });

  test('a bad body is refused with 400 naming the field', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ server: 'ollama' }, 'model', /model/],
      [{ server: 'koboldcpp', model: 'x' }, 'server', /server/],
      [{ server: 'ollama', model: 'x', extra: 1 }, 'extra', /extra/],
      [{ server: 'ollama', model: 'nomic-embed-text:latest' }, 'model', /llama3\.2:1b, qwen2\.5:3b/],
      [{ server: 'lmstudio', model: 'qwen2.5:3b' }, 'server', /lmstudio was not found/],
    ];
    for (const [body, field, message] of cases) {
      const res = await use(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = ((await res.json()) as { error: { code: string; field: string; message: string; models?: string[] } }).error;
      assert.equal(err.code, 'BAD_MESSAGE');
      assert.equal(err.field, field, JSON.stringify(body));
      assert.match(err.message, message);
    }
    const unknown = (await (await use({ server: 'ollama', model: 'mistral:7b' })).json()) as { error: { models: string[] } };
    assert.deepEqual(unknown.error.models, ['llama3.2:1b', 'qwen2.5:3b'], 'the models that exist are named');
    assert.equal((await get()).servers[0]?.models[0]?.in_use, true, 'a refused request changes nothing');
  });

  test('POST the second model: the next turn asks Ollama for it; the answer says until restart and shows the conf.yaml lines', async () => {
    const res = await use({ server: 'ollama', model: 'qwen2.5:3b' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { server: string; model: string; provider: string; until_restart: boolean; note: string; conf_yaml: string };
    assert.equal(body.provider, 'ollama:qwen2.5:3b');
    assert.equal(body.until_restart, true);
    assert.match(body.note, /until the daemon restarts/);
    assert.equal(body.conf_yaml, `character:\n  llm:\n    providers:\n      - type: openai\n        base_url: ${fake.baseUrl}\n        model: qwen2.5:3b\n        supports_tools: false\n`);
    const selected = d.logs().find((l) => l.event === 'llm.local_model_selected');
    assert.equal(selected?.model, 'qwen2.5:3b');
    assert.equal(selected?.replaced, 'llama3.2:1b');
    assert.deepEqual(
      (await get()).servers[0]?.models.map((m) => [m.name, m.in_use]),
      [
        ['llama3.2:1b', false],
        ['qwen2.5:3b', true],
      ],
    );

    const before = fake.requests.length;
    await turn('again', 'Secondmodel here.');
    const chats = fake.requests.slice(before).filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chats.length, 1);
    assert.equal((chats[0]?.body as { model?: string }).model, 'qwen2.5:3b', 'the next turn runs the chosen model');
    const status = await (await fetch(`${d.url}/admin/status`, { headers: auth })).text();
    assert.match(status, /ollama:qwen2\.5:3b/);
    assert.doesNotMatch(status, /ollama:llama3\.2:1b/, 'the discovered entry was replaced, not added to');
    assert.equal((await get()).servers[0]?.models[1]?.active, true);
  });

  test('look again probes anew: a model pulled since is listed, the choice stays', async () => {
    fake.tags.push('gemma3:1b');
    const res = await fetch(`${d.url}/admin/llm/local/probe`, { method: 'POST', headers: auth });
    assert.equal(res.status, 200);
    const view = (await res.json()) as LocalModelsView;
    assert.deepEqual(
      view.servers[0]?.models.map((m) => [m.name, m.in_use]),
      [
        ['llama3.2:1b', false],
        ['qwen2.5:3b', true],
        ['gemma3:1b', false],
      ],
    );
    assert.ok(view.probed_at !== null && Date.now() - view.probed_at < 5000);
  });
});

describe('an agent on an LLM of its own (no provider chain)', () => {
  test('GET /admin/llm/local says it is not available; Use is 404', async () => {
    const d = await startTestDaemon({
      config: { character: { greeting: '' } },
      stages: [createAgentStage({ llm: () => ({ provider: new OpenAiCompatibleProvider({ id: 'own', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', connectTimeoutMs: 500, firstTokenTimeoutMs: 500, idleTimeoutMs: 500 }) }) })],
      env: { VTUBER_ADMIN_TOKEN: TOKEN },
    });
    try {
      const res = await fetch(`${d.url}/admin/llm/local`, { headers: auth });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { available: false });
      const use = await fetch(`${d.url}/admin/llm/local-model`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ server: 'ollama', model: 'x' }) });
      assert.equal(use.status, 404);
    } finally {
      await d.stop();
    }
  });
});
