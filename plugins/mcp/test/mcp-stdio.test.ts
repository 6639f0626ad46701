import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ROOT_DIR } from '../../../src/config/env.ts';
import { TOKEN, startMcpDaemon } from './mcp-harness.ts';

test('the stdio entry relays a local MCP client to the daemon\'s /mcp', async () => {
  const td = await startMcpDaemon({});
  const port = new URL(td.url).port;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', 'mcp-stdio.ts')],
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', VTUBER_HOST: '127.0.0.1', VTUBER_PORT: port, VTUBER_ADMIN_TOKEN: TOKEN },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  try {
    await client.connect(transport, { timeout: 30_000 });
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'say'));
    const queued = td.daemon.bus.waitFor('input.queued', { timeoutMs: 10_000 });
    await client.callTool({ name: 'say', arguments: { text: 'hello from stdio' } });
    assert.equal((await queued).text, 'hello from stdio');
  } finally {
    await client.close();
    await td.stop();
  }
});
