import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClient } from '../../../test/helpers/ws-client.ts';
import type { TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { isAlive, serverInfo, startMcpDaemon, testServerEntry, waitFor } from './mcp-harness.ts';

// NOTE: the agent's tool loop is not on main yet, so these tests drive the tool registry directly:
// each registered tool executes through the real MCP child process over stdio.

let td: TestDaemon;
const signal = (): AbortSignal => new AbortController().signal;

before(async () => {
  // In the daemon's own environment when the child is spawned, so the leak check means something.
  process.env.VTUBER_ADMIN_TOKEN = 'secret-admin-token-in-env';
  td = await startMcpDaemon({
    servers: { tools: testServerEntry({ SECRET_WORD: 'pineapple' }), ghost: { command: '/nonexistent/mcp-server-binary', args: [] } },
    enabled_servers: ['tools', 'ghost'],
    allowed_tools: {},
    tool_status_messages: true,
  });
  await waitFor('tools server ready', () => serverInfo(td, 'tools')?.state === 'ready');
});

after(async () => {
  delete process.env.VTUBER_ADMIN_TOKEN;
  await td.stop();
});

test('tools are listed at startup and registered with prefixed, OpenAI-valid names and JSON schemas', () => {
  const add = td.daemon.tools.get('mcp_tools_add');
  assert.ok(add, `registered: ${td.daemon.tools.list().map((t) => t.name).join(', ')}`);
  assert.equal(add.source, 'mcp:tools');
  assert.equal(add.description, 'Adds two numbers');
  assert.deepEqual(add.parameters.required, ['a', 'b']);
  assert.deepEqual(Object.keys(add.parameters.properties ?? {}), ['a', 'b']);
  for (const t of td.daemon.tools.list()) assert.match(t.name, /^[a-zA-Z0-9_-]{1,64}$/);
});

test('a tool call runs in the child process and tool-call-status goes out running → completed', async () => {
  const ws = await TestClient.connect(td.wsUrl);
  try {
    await ws.waitForType('hello');
    const from = ws.messages.length;
    const out = await td.daemon.tools.get('mcp_tools_add')?.execute({ a: 2, b: 40 }, { signal: signal(), turnId: 'turn-1' });
    assert.equal(out, '42');
    await ws.waitFor((m) => m.type === 'tool-call-status' && m.status === 'completed', 5000, from);
    const statuses = ws.messages.slice(from).filter((m) => m.type === 'tool-call-status');
    assert.deepEqual(statuses.map((m) => [m.status, m.name, m.turnId]), [
      ['running', 'mcp_tools_add', 'turn-1'],
      ['completed', 'mcp_tools_add', 'turn-1'],
    ]);
    assert.equal(statuses[1]?.content, '42');
    assert.equal(statuses[0]?.callId, statuses[1]?.callId);
  } finally {
    await ws.close();
  }
});

test('the child gets its configured env but not the engine\'s secrets', async () => {
  assert.equal(await td.daemon.tools.get('mcp_tools_secret_word')?.execute({}, { signal: signal() }), 'the secret word is pineapple');
  assert.equal(await td.daemon.tools.get('mcp_tools_leak_check')?.execute({}, { signal: signal() }), 'clean');
});

test('long results are cut to max_result_chars with a marker', async () => {
  const out = (await td.daemon.tools.get('mcp_tools_big')?.execute({}, { signal: signal() })) ?? '';
  assert.ok(out.length <= 2000, `length ${out.length}`);
  assert.match(out, /… \[truncated \d+ chars\]$/);
});

test('an error result from the server becomes a thrown UPSTREAM_ERROR with its text', async () => {
  await assert.rejects(td.daemon.tools.get('mcp_tools_fail')?.execute({}, { signal: signal() }) ?? Promise.resolve(), { code: 'UPSTREAM_ERROR', message: 'dice fell off the table' });
});

test('tools/list_changed re-lists: a tool added later becomes available', async () => {
  assert.equal(td.daemon.tools.get('mcp_tools_late'), undefined);
  await td.daemon.tools.get('mcp_tools_grow')?.execute({}, { signal: signal() });
  const late = await waitFor('late tool', () => td.daemon.tools.get('mcp_tools_late'), 5000);
  assert.equal(await late.execute({}, { signal: signal() }), 'late tool here');
});

test('a command that does not exist leaves the daemon healthy with that server unavailable', async () => {
  const ghost = await waitFor('ghost unavailable', () => (serverInfo(td, 'ghost')?.state === 'unavailable' ? serverInfo(td, 'ghost') : undefined));
  assert.match(String(ghost.lastError), /ENOENT|spawn|not found|closed/i);
  const status = td.daemon.status.get('plugin', 'mcp');
  assert.equal(status?.state, 'degraded');
  assert.match(status?.detail ?? '', /ghost/);
  assert.equal((await fetch(`${td.url}/healthz`)).status, 200);
  assert.ok(!td.daemon.tools.list().some((t) => t.source === 'mcp:ghost'));
});

test('a server that crashes mid-call gives an error status, drops its tools, then comes back', async () => {
  const pid = Number(serverInfo(td, 'tools')?.pid);
  const ws = await TestClient.connect(td.wsUrl);
  try {
    await ws.waitForType('hello');
    const from = ws.messages.length;
    const t0 = performance.now();
    await assert.rejects(td.daemon.tools.get('mcp_tools_crash')?.execute({}, { signal: signal(), turnId: 't-crash' }) ?? Promise.resolve(), { code: 'UPSTREAM_UNREACHABLE' });
    assert.ok(performance.now() - t0 < 3000, 'fails fast, not at the timeout');
    const err = await ws.waitFor((m) => m.type === 'tool-call-status' && m.status === 'error', 5000, from);
    assert.match(String(err.content), /closed/);
    await waitFor('crashed child gone', () => !isAlive(pid), 5000);
    await waitFor('tools server back', () => serverInfo(td, 'tools')?.state === 'ready' && Number(serverInfo(td, 'tools')?.pid) !== pid);
    assert.equal(await td.daemon.tools.get('mcp_tools_add')?.execute({ a: 1, b: 1 }, { signal: signal() }), '2');
  } finally {
    await ws.close();
  }
});

test('a call the server never answers hits the timeout, and the hung server is restarted', async () => {
  const pid = Number(serverInfo(td, 'tools')?.pid);
  const t0 = performance.now();
  await assert.rejects(td.daemon.tools.get('mcp_tools_hang')?.execute({}, { signal: signal() }) ?? Promise.resolve(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TIMEOUT');
    assert.match(err.message, /did not answer within 3000 ms/);
    return true;
  });
  const ms = performance.now() - t0;
  assert.ok(ms >= 2900 && ms < 10_000, `timed out after ${Math.round(ms)} ms`);
  await waitFor('hung child replaced', () => serverInfo(td, 'tools')?.state === 'ready' && Number(serverInfo(td, 'tools')?.pid) !== pid);
});

test('allowed_tools limits what the agent sees, and shutdown leaves no child process', async () => {
  const td2 = await startMcpDaemon({ servers: { tools: testServerEntry() }, enabled_servers: ['tools'], allowed_tools: { tools: ['add'] } });
  let pid = 0;
  try {
    await waitFor('ready', () => serverInfo(td2, 'tools')?.state === 'ready');
    assert.deepEqual(td2.daemon.tools.list().map((t) => t.name), ['mcp_tools_add']);
    pid = Number(serverInfo(td2, 'tools')?.pid);
    assert.ok(isAlive(pid));
  } finally {
    await td2.stop();
  }
  await waitFor('child reaped', () => !isAlive(pid), 5000);
  assert.equal(td2.daemon.tools.list().length, 0);
});
