import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../src/config/config-error.ts';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import { McpConfigSchema, McpServersFileSchema, type McpServerEntry } from './config.ts';
import { engineTools } from './engine-tools.ts';
import { mcpHttpRoutes, type EngineResource } from './mcp-endpoint.ts';
import { McpToolBridge } from './mcp-tools.ts';
import { ServerLink, type LinkSnapshot } from './server-link.ts';
import { TranscriptLog } from './transcript-log.ts';

const VERSION = '0.1.0';

/** Reads the `mcpServers` file; a missing file means no servers, a broken one is a config error. */
function readServersFile(file: string): Record<string, McpServerEntry> {
  if (!existsSync(file)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  const parsed = McpServersFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })));
  }
  return parsed.data.mcpServers;
}

/**
 * MCP both ways. Client: tools from configured MCP servers (stdio or Streamable HTTP) go into the
 * agent's tool registry, supervised and retried. Server: the engine at POST /mcp (admin token).
 */
export default definePlugin({
  name: 'mcp',
  description: 'Tools from MCP servers for the character, and the engine as an MCP server at /mcp',
  configSchema: McpConfigSchema,
  setup(ctx) {
    const cfg = ctx.config;
    const serversFile = path.resolve(path.dirname(ctx.settings.configPath), cfg.servers_file);
    const all = { ...readServersFile(serversFile), ...cfg.servers };
    const unknown = cfg.enabled_servers.filter((n) => !(n in all));

    // ---- client side
    const bridge = new McpToolBridge({ config: cfg, log: ctx.log, registerTool: (t) => ctx.registerTool(t), output: ctx.output });
    const links = new Map<string, ServerLink>();
    const snapshots = new Map<string, LinkSnapshot>();
    const publish = (): void => {
      const servers: Record<string, unknown> = {};
      for (const [name, s] of snapshots) servers[name] = s;
      for (const name of unknown) servers[name] = { state: 'unavailable', lastError: `not defined in ${cfg.servers_file} or plugins.mcp.servers` };
      const down = [...snapshots.entries()].filter(([, s]) => s.state === 'unavailable').map(([n]) => n).concat(unknown);
      const starting = [...snapshots.values()].some((s) => s.state === 'starting');
      const tools = [...snapshots.values()].reduce((n, s) => n + s.tools, 0);
      const info = { servers, tools, endpoint: cfg.server.enabled ? '/mcp' : null };
      if (down.length > 0) ctx.setStatus('degraded', { detail: `MCP server${down.length > 1 ? 's' : ''} unavailable: ${down.join(', ')}`, info });
      else if (starting) ctx.setStatus('degraded', { detail: 'MCP servers starting', info });
      else ctx.setStatus('live', { detail: `${links.size} MCP server(s), ${tools} tool(s)`, info });
    };
    for (const name of cfg.enabled_servers) {
      const entry = all[name];
      if (!entry) continue;
      const link: ServerLink = new ServerLink({
        name,
        entry,
        connectTimeoutMs: cfg.connect_timeout_ms,
        backoff: { initialMs: cfg.reconnect.initial_ms, maxMs: cfg.reconnect.max_ms, factor: 2, jitter: 0.2 },
        log: ctx.log,
        onTools: (tools) => bridge.sync(link, tools),
        onChange: (s) => {
          snapshots.set(name, s);
          publish();
        },
      });
      links.set(name, link);
      snapshots.set(name, link.snapshot);
    }
    publish();
    ctx.onDispose(async () => {
      await Promise.all([...links.values()].map((l) => l.stop()));
      for (const name of links.keys()) bridge.clear(name);
    });
    for (const link of links.values()) link.start();

    // ---- server side
    if (cfg.server.enabled) {
      const transcript = new TranscriptLog(cfg.server.transcript_turns);
      ctx.on('agent.reply_done', (r) => {
        transcript.add({ at: new Date().toISOString(), user: r.input.user.displayName, kind: r.input.kind, input: r.input.text, reply: r.heardText || r.replyText, interrupted: r.interrupted });
      });
      const resources: EngineResource[] = [
        {
          uri: 'character://current',
          name: 'current character',
          description: 'The active character: name, display name, language and persona settings.',
          read: () => ({ name: ctx.appConfig.active_character, ...ctx.appConfig.character }),
        },
        {
          uri: 'transcript://recent',
          name: 'recent transcript',
          description: `The last ${cfg.server.transcript_turns} exchanges: who said what and what the character answered.`,
          read: () => transcript.recent(),
        },
      ];
      ctx.rootRoutes(
        mcpHttpRoutes('/mcp', ctx.requireAdmin, {
          version: VERSION,
          log: ctx.log,
          resources,
          tools: () =>
            engineTools({
              appConfig: ctx.appConfig,
              input: ctx.input,
              services: ctx.services,
              status: () => ctx.statusSnapshot(),
              output: ctx.output,
              transcript,
              maxSayChars: cfg.server.max_say_chars,
            }),
        }),
      );
    }
    ctx.log.info({ event: 'mcp.starting', servers: [...links.keys()], endpoint: cfg.server.enabled }, 'MCP plugin starting');
  },
});
