import { randomUUID } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { Disposer } from '../../src/core/disposable.ts';
import { EngineError, toEngineError } from '../../src/core/errors.ts';
import type { JsonSchema, ToolDefinition } from '../../src/core/tool-registry.ts';
import type { TurnOutput } from '../../src/server/ws/turn-output.ts';
import type { McpConfig } from './config.ts';
import type { ServerLink } from './server-link.ts';
import { agentToolName } from './tool-naming.ts';
import { summarizeToolResult, truncate } from './tool-result.ts';

export interface McpToolsDeps {
  config: McpConfig;
  log: Logger;
  registerTool(tool: ToolDefinition): Disposer;
  /** Where `tool-call-status` messages go (the turn-output port). */
  output: Pick<TurnOutput, 'toolStatus'>;
}

/**
 * Keeps the agent's tool registry in step with each server's tool list (allow-listed, renamed to
 * OpenAI-valid unique names) and wraps every call: timeout, result size cap, status messages.
 */
export class McpToolBridge {
  private readonly registered = new Map<string, Disposer[]>();

  constructor(private readonly deps: McpToolsDeps) {}

  /** Replaces `link`'s tools in the registry with `tools` (allow-listed). */
  sync(link: ServerLink, tools: Tool[]): void {
    this.clear(link.name);
    const allowed = this.deps.config.allowed_tools[link.name];
    const disposers: Disposer[] = [];
    for (const tool of tools) {
      if (allowed && !allowed.includes(tool.name)) continue;
      const def = this.wrap(link, tool);
      try {
        disposers.push(this.deps.registerTool(def));
      } catch (err) {
        this.deps.log.warn({ event: 'mcp.tool_register_failed', server: link.name, tool: tool.name, reason: (err as Error).message }, 'MCP tool not registered');
      }
    }
    this.registered.set(link.name, disposers);
  }

  clear(server: string): void {
    for (const d of this.registered.get(server) ?? []) void d();
    this.registered.delete(server);
  }

  private wrap(link: ServerLink, tool: Tool): ToolDefinition {
    const cfg = this.deps.config;
    const name = agentToolName(cfg.tool_prefix, link.name, tool.name);
    const parameters = { ...(tool.inputSchema as Record<string, unknown>), type: 'object' } as JsonSchema;
    return {
      name,
      description: truncate(tool.description ?? tool.title ?? `${tool.name} (MCP server ${link.name})`, 1024),
      parameters,
      source: `mcp:${link.name}`,
      execute: async (args, ctx) => {
        const callId = randomUUID();
        const report = (s: 'running' | 'completed' | 'error', content?: string): void => {
          if (!cfg.tool_status_messages) return;
          this.deps.output.toolStatus({ ...(ctx.turnId ? { turnId: ctx.turnId } : {}), callId, name, status: s, ...(content !== undefined ? { content: truncate(content, 200) } : {}) });
        };
        report('running');
        const t0 = performance.now();
        try {
          const client = link.requireClient();
          const result = (await client.callTool({ name: tool.name, arguments: args }, undefined, { timeout: cfg.call_timeout_ms, signal: ctx.signal })) as { content?: unknown; structuredContent?: unknown; isError?: unknown };
          const text = summarizeToolResult(result, cfg.max_result_chars);
          if (result.isError === true) throw new EngineError('UPSTREAM_ERROR', text || `${tool.name} failed`);
          report('completed', text);
          this.deps.log.info({ event: 'mcp.tool_called', server: link.name, tool: tool.name, ms: Math.round(performance.now() - t0), chars: text.length }, 'MCP tool call completed');
          return text;
        } catch (err) {
          const e = mapCallError(err, link.name, tool.name, cfg.call_timeout_ms);
          report('error', e.message);
          this.deps.log.warn({ event: 'mcp.tool_failed', server: link.name, tool: tool.name, code: e.code, reason: e.message }, 'MCP tool call failed');
          if (e.code === 'TIMEOUT') link.recycle('tool call timed out');
          throw e;
        }
      },
    };
  }
}

/** MCP's RequestTimeout is -32001; ConnectionClosed is -32000. */
function mapCallError(err: unknown, server: string, tool: string, timeoutMs: number): EngineError {
  if (err instanceof EngineError) return err;
  const code = (err as { code?: unknown }).code;
  if (code === -32001) return new EngineError('TIMEOUT', `MCP tool ${tool} on ${server} did not answer within ${timeoutMs} ms`);
  if (code === -32000) return new EngineError('UPSTREAM_UNREACHABLE', `MCP server ${server} closed during ${tool}`);
  return toEngineError(err, 'UPSTREAM_ERROR');
}
