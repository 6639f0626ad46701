import { z } from 'zod';

const ServerName = z.string().regex(/^[a-zA-Z0-9_-]{1,32}$/, 'server names are letters, digits, _ and - (at most 32)');

/** One entry of the usual `mcpServers` map: a stdio command, or a Streamable HTTP url. */
export const McpServerEntrySchema = z.union([
  z
    .object({
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().optional(),
    })
    .strict(),
  z
    .object({
      url: z.url(),
      headers: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
]);
export type McpServerEntry = z.infer<typeof McpServerEntrySchema>;

/** The file format Claude Desktop, Cursor and others use: `{ "mcpServers": { name: entry } }`. */
export const McpServersFileSchema = z.object({ mcpServers: z.record(ServerName, McpServerEntrySchema) }).loose();

export const McpConfigSchema = z
  .object({
    /** JSON file in the `mcpServers` shape, relative to conf.yaml's folder. Missing file = no servers. */
    servers_file: z.string().min(1).default('mcp_servers.json'),
    /** Servers defined here too (same shape as the file's `mcpServers`); these win on a name clash. */
    servers: z.record(ServerName, McpServerEntrySchema).default({}),
    /** Only these servers are started (allow-list). Empty = none. */
    enabled_servers: z.array(ServerName).default([]),
    /** Per server, the only tools offered to the agent; a server not listed offers all its tools. */
    allowed_tools: z.record(ServerName, z.array(z.string().min(1))).default({}),
    /** Prefix of the agent-facing tool names: `<prefix><server>_<tool>`. */
    tool_prefix: z.string().regex(/^[a-zA-Z0-9_-]{0,16}$/).default('mcp_'),
    connect_timeout_ms: z.number().int().positive().default(20_000),
    call_timeout_ms: z.number().int().positive().default(15_000),
    /** Tool results longer than this (characters) are cut before they reach the LLM context. */
    max_result_chars: z.number().int().min(100).max(100_000).default(2000),
    reconnect: z
      .object({
        initial_ms: z.number().int().positive().default(1000),
        max_ms: z.number().int().positive().default(60_000),
      })
      .strict()
      .prefault({}),
    /**
     * Also broadcast `tool-call-status` from the MCP tool wrapper. Off by default: the agent's tool
     * loop already sends them for every tool; turn on only for callers that run tools outside it.
     */
    tool_status_messages: z.boolean().default(false),
    /** The engine as an MCP server: Streamable HTTP at /mcp (admin bearer token). */
    server: z
      .object({
        enabled: z.boolean().default(true),
        /** Turns kept for the `transcript://recent` resource. */
        transcript_turns: z.number().int().min(1).max(200).default(20),
        /** Longest text the `say` tool accepts. */
        max_say_chars: z.number().int().min(1).max(5000).default(500),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type McpConfig = z.infer<typeof McpConfigSchema>;
