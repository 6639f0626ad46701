import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isEngineError } from '../../src/core/errors.ts';
import { ToolFailure, type EngineTool } from './engine-tools.ts';

export interface EngineResource {
  uri: string;
  name: string;
  description: string;
  read(): unknown;
}

export interface McpEndpointDeps {
  version: string;
  tools: () => EngineTool[];
  resources: EngineResource[];
  log: Logger;
}

/**
 * The engine as an MCP server. Low-level `Server` rather than `McpServer`, so invalid arguments are
 * a JSON-RPC InvalidParams error naming the field (McpServer turns them into a tool result).
 */
export function createEngineMcpServer(deps: McpEndpointDeps): Server {
  const server = new Server({ name: 'vtuber-engine', version: deps.version }, { capabilities: { tools: {}, resources: {} } });
  const tools = deps.tools();
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: z.toJSONSchema(t.schema, { io: 'input' }) as { type: 'object' } })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const tool = tools.find((t) => t.name === req.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${req.params.name}`);
    const parsed = tool.schema.safeParse(req.params.arguments ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
      throw new McpError(ErrorCode.InvalidParams, `invalid arguments for ${tool.name}: ${field}: ${issue?.message ?? 'invalid'}`, { field });
    }
    try {
      const text = await tool.handler(parsed.data as Record<string, unknown>);
      deps.log.info({ event: 'mcp.engine_tool', tool: tool.name }, 'MCP client called an engine tool');
      return { content: [{ type: 'text', text }] };
    } catch (err) {
      // Expected refusals (memory off, scene not allowed, queue full) are tool errors the caller can read.
      if (err instanceof ToolFailure || isEngineError(err)) return { content: [{ type: 'text', text: err.message }], isError: true };
      throw err;
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: deps.resources.map((r) => ({ uri: r.uri, name: r.name, description: r.description, mimeType: 'application/json' })),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const r = deps.resources.find((x) => x.uri === req.params.uri);
    if (!r) throw new McpError(ErrorCode.InvalidParams, `unknown resource ${req.params.uri}`);
    return { contents: [{ uri: r.uri, mimeType: 'application/json', text: JSON.stringify(r.read(), null, 2) }] };
  });
  return server;
}

/**
 * Streamable HTTP at `path` (stateless: one server and transport per request, JSON responses),
 * behind the admin bearer token.
 */
export function mcpHttpRoutes(path: string, requireAdmin: preHandlerHookHandler, deps: McpEndpointDeps): (app: FastifyInstance) => void {
  return (app) => {
    app.post(path, { preHandler: requireAdmin }, async (req, reply) => {
      // JSON-RPC 2.0 §6: an empty batch is one Invalid Request error, not an accepted notification.
      if (Array.isArray(req.body) && req.body.length === 0) {
        return reply.code(400).send({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request: empty batch' }, id: null });
      }
      const server = createEngineMcpServer(deps);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      reply.hijack();
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req.raw, reply.raw, req.body);
    });
    const notAllowed = async (_req: unknown, reply: { code(n: number): { send(b: unknown): unknown }; header(k: string, v: string): unknown }): Promise<unknown> => {
      reply.header('allow', 'POST');
      return reply.code(405).send({ jsonrpc: '2.0', error: { code: -32000, message: 'this endpoint is stateless: use POST' }, id: null });
    };
    app.get(path, { preHandler: requireAdmin }, notAllowed);
    app.delete(path, { preHandler: requireAdmin }, notAllowed);
  };
}
