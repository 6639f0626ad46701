// MCP over stdio for local clients (Claude Desktop, IDEs): relays every JSON-RPC message between
// this process's stdin/stdout and the running daemon's Streamable HTTP endpoint at /mcp.
// Usage in a client's mcpServers: {"command": "npx", "args": ["tsx", "src/cli/mcp-stdio.ts"], "cwd": "<repo>"}
// Reads VTUBER_HOST / VTUBER_PORT / VTUBER_ADMIN_TOKEN (or .env); VTUBER_MCP_URL overrides the URL.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadRuntimeSettings } from '../config/env.ts';

function fail(message: string): never {
  // stdout carries the protocol, so diagnostics go to stderr.
  process.stderr.write(`mcp-stdio: ${message}\n`);
  process.exit(1);
}

const settings = loadRuntimeSettings();
if (!settings.adminToken) fail('VTUBER_ADMIN_TOKEN is not set: the daemon only serves /mcp with a token');
const host = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
const url = new URL(process.env.VTUBER_MCP_URL ?? `http://${host}:${settings.port}/mcp`);

const upstream = new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${settings.adminToken}` } } });
const local = new StdioServerTransport();
let closing = false;
const close = (code: number): void => {
  if (closing) return;
  closing = true;
  void Promise.allSettled([upstream.close(), local.close()]).then(() => process.exit(code));
};

local.onmessage = (message) => {
  upstream.send(message).catch((err: unknown) => {
    process.stderr.write(`mcp-stdio: daemon at ${url.origin} did not take the message: ${(err as Error).message}\n`);
    // Answer requests with an error rather than leaving the client waiting.
    if ('id' in message && 'method' in message) {
      void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `engine daemon unreachable at ${url.origin}` } });
    }
  });
};
upstream.onmessage = (message) => void local.send(message);
upstream.onerror = (err) => process.stderr.write(`mcp-stdio: ${err.message}\n`);
local.onclose = () => close(0);
process.on('SIGTERM', () => close(0));
process.on('SIGINT', () => close(0));

await upstream.start();
await local.start();
