import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { TestClient } from '../../../test/helpers/ws-client.ts';
import { startTestDaemon, type TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { TOKEN, waitFor } from './mcp-harness.ts';
import { expectKind } from '../../../test/helpers/input-kind.ts';

let td: TestDaemon;
let fake: FakeObsServer;

async function connect(token: string | null = TOKEN): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${td.url}/mcp`), { requestInit: { headers: token === null ? {} : { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const textOf = (r: unknown): string => (((r as { content?: unknown }).content as Array<{ text?: string }> | undefined)?.[0]?.text ?? '');

before(async () => {
  fake = new FakeObsServer();
  await fake.start();
  td = await startTestDaemon({
    config: {
      plugins: {
        enabled: ['obs', 'mcp'],
        obs: { port: fake.port, allow: { scenes: ['BRB'] } },
        mcp: {},
      },
    },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
  });
  await waitFor('obs connected', () => td.daemon.status.get('plugin', 'obs')?.info?.connection === 'connected');
});

after(async () => {
  await td.stop();
  await fake.stop();
});

test('an SDK client with the token lists the engine tools and resources', async () => {
  const client = await connect();
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['get_status', 'memory_search', 'obs_scene', 'say', 'set_emotion']);
    const say = tools.find((t) => t.name === 'say');
    assert.deepEqual(say?.inputSchema.required, ['text']);
    const obs = tools.find((t) => t.name === 'obs_scene');
    assert.deepEqual((obs?.inputSchema.properties as { name: { enum: string[] } }).name.enum, ['BRB']);
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), ['character://current', 'transcript://recent']);
    const character = await client.readResource({ uri: 'character://current' });
    const body = JSON.parse(String((character.contents[0] as { text: string }).text)) as { display_name: string };
    assert.equal(body.display_name, td.daemon.config.character.display_name);
  } finally {
    await client.close();
  }
});

test('say queues a verbatim system input for the agent', async () => {
  const client = await connect();
  try {
    // NOTE: with no agent/TTS stage on main yet, the check is that the verbatim input reaches the queue.
    const queued = td.daemon.bus.waitFor('input.queued', { timeoutMs: 5000 });
    const res = await client.callTool({ name: 'say', arguments: { text: 'Thanks for the raid, everyone!' } });
    assert.equal(res.isError, undefined);
    const item = await queued;
    const say = expectKind(item, 'system');
    assert.equal(item.text, 'Thanks for the raid, everyone!');
    assert.deepEqual({ verbatim: say.verbatim, source: say.source }, { verbatim: true, source: 'mcp' });
    assert.equal(item.user.platform, 'mcp');
  } finally {
    await client.close();
  }
});

test('set_emotion broadcasts an emotion message and a bus event', async () => {
  const ws = await TestClient.connect(td.wsUrl);
  const client = await connect();
  try {
    await ws.waitForType('hello');
    const onBus = td.daemon.bus.waitFor('emotion.set', { timeoutMs: 5000 });
    const res = await client.callTool({ name: 'set_emotion', arguments: { name: 'joy' } });
    assert.equal(textOf(res), 'emotion set to joy');
    const msg = await ws.waitFor((m) => m.type === 'emotion');
    assert.equal(msg.name, 'joy');
    assert.deepEqual(await onBus, { name: 'joy', source: 'mcp' });
  } finally {
    await client.close();
    await ws.close();
  }
});

test('invalid arguments are a protocol error naming the field', async () => {
  const client = await connect();
  try {
    await assert.rejects(client.callTool({ name: 'set_emotion', arguments: { name: 42 } }), (err: unknown) => {
      assert.ok(err instanceof McpError, String(err));
      assert.equal(err.code, -32602);
      assert.match(err.message, /set_emotion: name: /);
      return true;
    });
    await assert.rejects(client.callTool({ name: 'say', arguments: {} }), /say: text: /);
  } finally {
    await client.close();
  }
});

test('obs_scene switches an allow-listed scene through the OBS plugin; others are refused by the schema', async () => {
  const client = await connect();
  try {
    const res = await client.callTool({ name: 'obs_scene', arguments: { name: 'BRB' } });
    assert.equal(textOf(res), 'switched to scene BRB');
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB');
    await assert.rejects(client.callTool({ name: 'obs_scene', arguments: { name: 'Main' } }), /obs_scene: name: /);
  } finally {
    await client.close();
  }
});

test('memory_search says memory is unavailable without the memory stage; get_status reports plugins', async () => {
  const client = await connect();
  try {
    const mem = await client.callTool({ name: 'memory_search', arguments: { query: 'favourite food' } });
    assert.equal(mem.isError, true);
    assert.match(textOf(mem), /memory unavailable/);
    const status = JSON.parse(textOf(await client.callTool({ name: 'get_status', arguments: {} }))) as { plugins: Record<string, string> };
    assert.match(status.plugins.obs ?? '', /^live/);
  } finally {
    await client.close();
  }
});

test('/mcp without the token gets 401', async () => {
  await assert.rejects(connect(null), /UNAUTHORIZED/);
  const res = await fetch(`${td.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
  assert.equal(res.status, 401);
});

test('an empty JSON-RPC batch is one Invalid Request error (JSON-RPC 2.0 §6), not 202', async () => {
  const res = await fetch(`${td.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TOKEN}` }, body: '[]' });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request: empty batch' }, id: null });
});
