import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createAgentStage } from '../../../src/agent/agent-stage.ts';
import { ttsStage } from '../../../src/tts/index.ts';
import type { LlmProvider } from '../../../src/agent/llm/llm-types.ts';
import { startTestDaemon } from '../../../test/helpers/test-daemon.ts';
import { TestClient } from '../../../test/helpers/ws-client.ts';
import { TOKEN } from './mcp-harness.ts';

const skip = spawnSync('espeak-ng', ['--version']).status === 0 ? false : 'espeak-ng is not installed (apt-get install -y espeak-ng)';

// A provider that must never be asked: `say` is verbatim, so no LLM round happens.
const noLlm: LlmProvider = {
  id: 'never',
  supportsTools: false,
  stream: () => {
    throw new Error('say must not call the LLM');
  },
};

test('MCP say produces a turn with the exact text and audio to websocket clients', { skip }, async () => {
  const td = await startTestDaemon({
    config: { agent: { greeting: false }, character: { voice: { engines: ['espeak'] } }, plugins: { enabled: ['mcp'] } },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
    stages: [ttsStage, createAgentStage({ llm: () => ({ provider: noLlm }) })],
  });
  const ws = await TestClient.connect(td.wsUrl);
  const client = new Client({ name: 'say-test', version: '1.0.0' });
  try {
    await ws.waitForType('hello');
    await client.connect(new StreamableHTTPClientTransport(new URL(`${td.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    const from = ws.messages.length;
    await client.callTool({ name: 'say', arguments: { text: 'Hello from the other agent.' } });
    const start = await ws.waitFor((m) => m.type === 'turn-start', 10_000, from);
    await ws.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 20_000, from);
    const msgs = ws.messages.slice(from).filter((m) => m.turnId === start.turnId);
    assert.equal(msgs.filter((m) => m.type === 'reply-text').map((m) => m.text).join(' '), 'Hello from the other agent.');
    const audio = msgs.filter((m) => m.type === 'audio');
    assert.ok(audio.length > 0, 'audio chunks reach the client');
    assert.ok(audio.reduce((ms, m) => ms + Number(m.durationMs), 0) > 300, 'real speech, not silence-length audio');
  } finally {
    await client.close();
    await ws.close();
    await td.stop();
  }
});
