import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Config } from '../config-schema.ts';
import type { RuntimeSettings } from '../config/env.ts';
import type { EventBus } from '../core/bus.ts';
import type { BusEventName, BusEvents } from '../core/bus-events.ts';
import type { Disposer } from '../core/disposable.ts';
import type { InputQueue } from '../core/input-queue.ts';
import type { ServiceRegistry } from '../core/services.ts';
import type { ComponentState, StatusRegistry } from '../core/status-registry.ts';
import type { ToolDefinition } from '../core/tool-registry.ts';
import type { ServerMessage } from '../server/ws/protocol.ts';
import type { TurnOutput } from '../server/ws/turn-output.ts';

/** What a plugin gets. Everything registered through it is undone, newest first, on stop or failure. */
export interface PluginContext<C> {
  readonly name: string;
  /** Child logger with `component: plugin:<name>`. */
  readonly log: Logger;
  /** This plugin's validated, frozen config slice (`plugins.<name>` in conf.yaml). */
  readonly config: Readonly<C>;
  /** The whole frozen config (character, server...), read-only. */
  readonly appConfig: Readonly<Config>;
  readonly settings: Readonly<RuntimeSettings>;
  /**
   * A secret from the environment (or `.env`), trimmed; undefined when unset or blank. The value is
   * then scrubbed from every log line, wherever it appears. Read secrets only through this.
   */
  secret(envName: string): string | undefined;
  readonly bus: EventBus;
  readonly input: InputQueue;
  /** The one port for what the character shows and says: reply text, emotion, motion, audio, audio-stop. */
  readonly output: TurnOutput;
  readonly services: ServiceRegistry;
  /** Aborted when the plugin is stopped or fails; pass it to long-running work. */
  readonly signal: AbortSignal;
  /** Subscribes to a bus event; unsubscribed automatically on stop. */
  on<K extends BusEventName>(event: K, handler: (payload: BusEvents[K]) => void): Disposer;
  /** Registers routes under `/api/<name>`. Call during setup. */
  routes(register: (app: FastifyInstance) => void | Promise<void>): void;
  /**
   * Registers routes at the server root, for a path a protocol fixes (the MCP plugin's `/mcp`).
   * Prefer `routes`; paths must not clash with the core's (`/ws`, `/admin`, `/api`, `/healthz`).
   */
  rootRoutes(register: (app: FastifyInstance) => void | Promise<void>): void;
  /** preHandler that requires `Authorization: Bearer <VTUBER_ADMIN_TOKEN>`. */
  readonly requireAdmin: preHandlerHookHandler;
  /**
   * preHandler for HTTP routes that send input: needs `Authorization: Bearer <VTUBER_INPUT_TOKEN>`
   * under the websocket's rule (a non-loopback daemon, or `server.input_auth: always`).
   */
  readonly requireInput: preHandlerHookHandler;
  /** Adds a tool for the agent; removed automatically on stop. */
  registerTool(tool: ToolDefinition): Disposer;
  /** Sends a message to every websocket client. The character's own output goes through `output`. */
  broadcast(message: ServerMessage): void;
  /** Every stage's and plugin's status, as /admin/status shows it (read-only copy). */
  statusSnapshot(): ReturnType<StatusRegistry['snapshot']>;
  /** Sets this plugin's state in /admin/status (and the `status` message). */
  setStatus(state: ComponentState, extra?: { detail?: string; info?: Record<string, unknown> }): void;
  /** Registers a cleanup; runs in reverse order on stop. */
  onDispose(disposer: Disposer): void;
}

export interface PluginDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description?: string;
  /** Other plugins whose services this one uses; each must be enabled and listed before it. */
  dependencies?: readonly string[];
  /** Validates `plugins.<name>`; use `.strict()` and put defaults in the schema. */
  configSchema: S;
  /** Starts the plugin. May return a disposer. Throwing or hanging marks the plugin failed. */
  setup(ctx: PluginContext<z.infer<S>>): void | Disposer | Promise<void | Disposer>;
}

/** Declares a plugin. `plugins/<name>/index.ts` default-exports the result. */
export function definePlugin<S extends z.ZodType>(definition: PluginDefinition<S>): PluginDefinition<S> {
  return definition;
}
