import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import { EngineError } from '../../src/core/errors.ts';
import { backoffDelay, sleep, withTimeout, type BackoffOptions } from '../../src/core/retry.ts';
import type { McpServerEntry } from './config.ts';

export type LinkState = 'starting' | 'ready' | 'unavailable';

export interface LinkSnapshot {
  state: LinkState;
  tools: number;
  pid?: number;
  attempts: number;
  lastError?: string;
}

export interface LinkOptions {
  name: string;
  entry: McpServerEntry;
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  log: Logger;
  /** Called with the server's tools after each (re)connect and on tools/list_changed; [] when down. */
  onTools(tools: Tool[]): void;
  onChange(snapshot: LinkSnapshot): void;
}

/**
 * One MCP server kept alive: spawns or connects, lists tools, re-lists on tools/list_changed, and
 * after a failure to start, a crash or a hang marks itself unavailable and retries with backoff.
 * Closing the transport kills a stdio child, so `stop` always reaps it.
 */
export class ServerLink {
  private client: Client | undefined;
  private transport: Transport | undefined;
  private snap: LinkSnapshot = { state: 'starting', tools: 0, attempts: 0 };
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private restart: (() => void) | undefined;

  constructor(private readonly opts: LinkOptions) {}

  get snapshot(): LinkSnapshot {
    return { ...this.snap };
  }

  get name(): string {
    return this.opts.name;
  }

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => this.opts.log.error({ event: 'mcp.loop_failed', server: this.opts.name, err }, 'MCP server loop stopped'));
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.closeTransport();
    await this.loop;
  }

  /** The live client; UPSTREAM_UNREACHABLE when the server is down. */
  requireClient(): Client {
    if (!this.client || this.snap.state !== 'ready') throw new EngineError('UPSTREAM_UNREACHABLE', `MCP server "${this.opts.name}" is unavailable`);
    return this.client;
  }

  /** Drops the connection (e.g. after a hang) so the loop reconnects with backoff. */
  recycle(reason: string): void {
    this.patch({ lastError: reason });
    this.restart?.();
  }

  private patch(p: Partial<LinkSnapshot>, drop: Array<keyof LinkSnapshot> = []): void {
    const next = { ...this.snap, ...p };
    for (const k of drop) delete next[k];
    this.snap = next;
    this.opts.onChange(this.snapshot);
  }

  private makeTransport(): Transport {
    const e = this.opts.entry;
    if ('command' in e) {
      // Only the SDK's safe default variables (PATH, HOME...) plus the entry's own env: never our tokens.
      return new StdioClientTransport({ command: e.command, args: e.args, env: { ...getDefaultEnvironment(), ...e.env }, ...(e.cwd ? { cwd: e.cwd } : {}), stderr: 'pipe' });
    }
    return new StreamableHTTPClientTransport(new URL(e.url), { requestInit: { headers: e.headers } });
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let attempt = 0;
    while (!signal.aborted) {
      await this.session(() => {
        attempt = 0;
      });
      this.opts.onTools([]);
      if (signal.aborted) break;
      const delay = backoffDelay(attempt++, this.opts.backoff);
      this.patch({ state: 'unavailable', tools: 0, attempts: attempt }, ['pid']);
      try {
        await sleep(delay, signal);
      } catch {
        break;
      }
    }
  }

  private async session(onReady: () => void): Promise<void> {
    const { log, name } = this.opts;
    const signal = this.controller.signal;
    const transport = this.makeTransport();
    const client = new Client({ name: 'vtuber-engine', version: '0.1.0' }, { capabilities: {} });
    let closed!: () => void;
    const ended = new Promise<void>((resolve) => (closed = resolve));
    client.onclose = () => closed();
    client.onerror = (err) => log.debug({ event: 'mcp.transport_error', server: name, reason: err.message }, 'MCP transport error');
    this.transport = transport;
    this.restart = () => void this.closeTransport();
    try {
      await withTimeout(client.connect(transport, { timeout: this.opts.connectTimeoutMs }), this.opts.connectTimeoutMs + 500, () => new EngineError('TIMEOUT', `no answer within ${this.opts.connectTimeoutMs} ms`));
      if (transport instanceof StdioClientTransport) {
        const stderr = transport.stderr;
        // Drain the child's stderr so it never blocks; keep it at debug level.
        stderr?.on('data', (chunk: Buffer) => log.debug({ event: 'mcp.server_stderr', server: name, bytes: chunk.length }, 'MCP server wrote to stderr'));
      }
      if (signal.aborted) return;
      this.client = client;
      const list = async (): Promise<void> => {
        const tools = await this.listAll(client);
        this.opts.onTools(tools);
        this.patch({ tools: tools.length });
      };
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        list().catch((err: unknown) => log.warn({ event: 'mcp.relist_failed', server: name, reason: (err as Error).message }, 'MCP tools re-list failed'));
      });
      const tools = await this.listAll(client);
      onReady();
      const pid = transport instanceof StdioClientTransport ? transport.pid : null;
      this.opts.onTools(tools);
      this.patch({ state: 'ready', tools: tools.length, attempts: 0, ...(pid !== null ? { pid } : {}) }, ['lastError']);
      log.info({ event: 'mcp.server_ready', server: name, tools: tools.length, version: client.getServerVersion()?.version }, 'MCP server ready');
      await ended;
      if (!signal.aborted) {
        log.warn({ event: 'mcp.server_closed', server: name }, 'MCP server connection closed');
        this.patch({ lastError: this.snap.lastError ?? 'connection closed' });
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.patch({ lastError: reason });
      if (!signal.aborted) log.warn({ event: 'mcp.server_failed', server: name, reason }, 'MCP server unavailable');
    } finally {
      this.client = undefined;
      this.restart = undefined;
      await this.closeTransport();
    }
  }

  private async listAll(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await client.listTools(cursor ? { cursor } : {}, { timeout: this.opts.connectTimeoutMs });
      tools.push(...res.tools);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  private async closeTransport(): Promise<void> {
    const t = this.transport;
    this.transport = undefined;
    if (t) await withTimeout(t.close(), 5000, () => new Error('close timed out')).catch(() => undefined);
  }
}
