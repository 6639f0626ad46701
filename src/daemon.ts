import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { isLoopbackHost, readSecret, ROOT_DIR, RUNNING_COMPILED, type RuntimeSettings } from './config/env.ts';
import { ConfigSchema, type Config, type LoadedConfig } from './config-schema.ts';
import { EventBus } from './core/bus.ts';
import { InputQueue } from './core/input-queue.ts';
import { ServiceRegistry } from './core/services.ts';
import { PromptContextRegistry } from './core/prompt-context.ts';
import './core/speech.ts';
import { StatusRegistry } from './core/status-registry.ts';
import { ToolRegistry } from './core/tool-registry.ts';
import { TurnTracker } from './core/turn-tracker.ts';
import { ComponentHost, type ComponentBase } from './plugin-host/component-host.ts';
import type { PluginContext } from './plugin-host/define-plugin.ts';
import type { StageContext, StageDefinition } from './plugin-host/define-stage.ts';
import { loadPlugins } from './plugin-host/plugin-loader.ts';
import { ADMIN_AUTH_FAILURES_PER_MINUTE, makeAdminGuard, makeInputGuard } from './server/admin-auth.ts';
import { AuthFailureLimiter } from './server/tokens.ts';
import { registerAdminLogRoutes } from './server/admin-log-routes.ts';
import { registerAdminRoutes } from './server/admin-routes.ts';
import { createApp } from './server/app.ts';
import { CharacterSwitcher } from './characters/character-switcher.ts';
import { logTurnPerf } from './logging/turn-perf-log.ts';
import { registerCharacterAdminRoutes } from './server/character-admin-routes.ts';
import { registerModelAdminRoutes } from './server/model-admin-routes.ts';
import { registerGameResultRoutes } from './server/game-result-routes.ts';
import { registerCharacterRoutes } from './server/character-routes.ts';
import { registerClientLogRoutes } from './server/client-log-routes.ts';
import { ClientHub } from './server/ws/client-hub.ts';
import { TurnOutput } from './server/ws/turn-output.ts';
import { handleConnection } from './server/ws/connection.ts';
import { BUILTIN_STAGES } from './stages.ts';

export const VERSION: string = (JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { version: string }).version;

export interface DaemonOptions {
  settings: Readonly<RuntimeSettings>;
  loaded: LoadedConfig;
  log: Logger;
  /** The access log sink (one line per HTTP request); default: `log` with component `access`. */
  accessLog?: Logger;
  /** Built-in stages to start (default: all). Tests pass a subset. */
  stages?: readonly StageDefinition[];
  /** Extra directories searched for plugins before `plugins/` (tests use fixtures). */
  pluginDirs?: readonly string[];
}

export interface Daemon {
  app: FastifyInstance;
  url: string;
  config: Readonly<Config>;
  bus: EventBus;
  status: StatusRegistry;
  hub: ClientHub;
  output: TurnOutput;
  input: InputQueue;
  turns: TurnTracker;
  tools: ToolRegistry;
  services: ServiceRegistry;
  /** Switches the active character at runtime; `characters.config` is the current character's config. */
  characters: CharacterSwitcher;
  /** Stops accepting input, aborts turns, disposes plugins and stages, closes the server. */
  stop(reason?: string): Promise<void>;
}

/** Composes the daemon: core services, server, built-in stages, plugins; then listens. */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { settings, log } = opts;
  const config = opts.loaded.config;
  const startedAt = Date.now();
  const bus = new EventBus(log.child({ component: 'bus' }));
  const status = new StatusRegistry(bus);
  const input = new InputQueue(bus);
  const turns = new TurnTracker(bus);
  const stopPerfLog = logTurnPerf(bus, log);
  const qlog = log.child({ component: 'queue' });
  // Emitted inside the input's trace, so the line carries its request_id or client_uid and ws_seq.
  const stopQueueLog = bus.on('input.queued', (item) => qlog.debug({ event: 'input.queued', input_id: item.id, kind: item.kind, queued: input.size }, 'input queued'));
  const tools = new ToolRegistry();
  const services = new ServiceRegistry();
  services.provide('promptContext', new PromptContextRegistry());
  const hub = new ClientHub(bus, status, log.child({ component: 'ws' }));
  const output = new TurnOutput(hub, bus, log.child({ component: 'output' }));
  // One failure budget per address for every token check (admin HTTP and websocket auth): a websocket
  // `auth` can grant admin, so a guesser must not get a second budget there.
  const authFailures = new AuthFailureLimiter(ADMIN_AUTH_FAILURES_PER_MINUTE, 60_000);
  const requireAdmin = makeAdminGuard(settings.adminToken, authFailures);
  // One rule for every way input comes in (websocket and HTTP): a token off loopback, or always when configured.
  const requireToken = config.server.input_auth === 'always' || !isLoopbackHost(settings.host);
  const requireInput = makeInputGuard(settings.inputToken, requireToken, authFailures);
  const catalogPaths = { configPath: opts.loaded.configPath, charactersDir: settings.charactersDir, schema: ConfigSchema };
  const characters = new CharacterSwitcher({ paths: catalogPaths, input, turns, bus, log: log.child({ component: 'characters' }), initial: config });
  // The current character as hello messages and /admin/status show it, read from the switcher.
  const character = {
    get name() {
      return characters.config.active_character;
    },
    get displayName() {
      return characters.config.character.display_name;
    },
    get language() {
      return characters.config.character.language;
    },
  };
  bus.on('character.switched', (e) => {
    hub.broadcast({ type: 'character', name: e.name, displayName: e.displayName, language: e.language, previous: e.previous });
  });
  let accepting = true;

  // The compiled daemon loads the compiled plugins, so both share one copy of the engine's modules.
  const pluginDirs = [...(opts.pluginDirs ?? []), path.join(settings.rootDir, ...(RUNNING_COMPILED ? ['dist', 'plugins'] : ['plugins']))];
  const plugins = await loadPlugins(config.plugins.enabled, config.plugins, pluginDirs, opts.loaded.configPath);

  const frontendDir = path.join(settings.rootDir, 'frontend', 'dist');
  const app = await createApp({ log, accessLog: opts.accessLog ?? log.child({ component: 'access' }), server: config.server, frontendDir });
  const host = new ComponentHost(app, status, log);

  app.get('/ws', { websocket: true }, (socket, req) => {
    const query = req.query as Record<string, unknown>;
    const urlToken = typeof query.token === 'string' ? query.token : undefined;
    handleConnection(socket, req.ip, urlToken, {
      bus,
      hub,
      input,
      log: log.child({ component: 'ws' }),
      ws: config.server.ws,
      inputToken: settings.inputToken,
      requireToken,
      authFailures,
      version: VERSION,
      character,
      adminToken: settings.adminToken,
      switchCharacter: (req) => characters.switch(req),
      isAccepting: () => accepting,
      voice: () => services.get('voice'),
    });
  });
  registerAdminRoutes(app, { requireAdmin, status, hub, input, turns, tools, version: VERSION, character, startedAt });
  registerAdminLogRoutes(app, { requireAdmin, dataDir: settings.dataDir });
  registerCharacterAdminRoutes(app, { requireAdmin, paths: catalogPaths, switcher: characters, log: log.child({ component: 'characters' }) });
  registerModelAdminRoutes(app, { requireAdmin, modelsDir: settings.modelsDir, log: log.child({ component: 'models' }) });
  registerGameResultRoutes(app, { requireAdmin, input, log: log.child({ component: 'game-result' }) });
  registerClientLogRoutes(app, { config: config.frontend.log_ingest, log });
  await registerCharacterRoutes(app, { config: () => characters.config, log: log.child({ component: 'live2d' }), version: VERSION, frontendDir, dataDir: settings.dataDir });

  const commonContext = (base: ComponentBase) => ({
    name: base.name,
    log: base.log,
    appConfig: config,
    settings,
    secret: readSecret,
    bus,
    input,
    output,
    services,
    signal: base.signal,
    requireAdmin,
    requireInput,
    // Handler errors are logged by the component's own logger, so the line names the plugin or stage.
    on: ((event, handler) =>
      base.store.add(
        bus.on(event, (payload) => {
          try {
            handler(payload);
          } catch (err) {
            base.log.error({ event: 'bus.handler_failed', bus_event: event, err }, 'bus handler threw');
          }
        }),
      )) as StageContext['on'],
    registerTool: (tool: Parameters<StageContext['registerTool']>[0]) => base.store.add(tools.register(tool)),
    broadcast: (message: Parameters<StageContext['broadcast']>[0]) => {
      hub.broadcast(message);
    },
    setStatus: base.setStatus,
    statusSnapshot: () => status.snapshot(),
    onDispose: (d: Parameters<StageContext['onDispose']>[0]) => {
      base.store.add(d);
    },
  });

  for (const stage of opts.stages ?? BUILTIN_STAGES) {
    await host.start('stage', stage.name, 60_000, (base) => {
      const ctx: StageContext = {
        ...commonContext(base),
        config,
        hub,
        turns,
        tools,
        status,
        routes: base.routes,
        onCharacterSwitch: (participant) => {
          base.store.add(characters.register(participant));
        },
        currentConfig: () => characters.config,
      };
      return stage.setup(ctx);
    });
  }
  for (const plugin of plugins) {
    await host.start('plugin', plugin.definition.name, config.plugins.setup_timeout_ms, (base) => {
      const ctx: PluginContext<unknown> = { ...commonContext(base), config: plugin.config as Readonly<unknown>, routes: (register) => base.routes(register, `/api/${plugin.definition.name}`), rootRoutes: (register) => base.routes(register) };
      return plugin.definition.setup(ctx);
    });
  }

  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host;
  const url = `http://${hostForUrl}:${port}`;
  const dlog = log.child({ component: 'daemon' });
  dlog.info({ event: 'daemon.listening', url, character: character.name, plugins: plugins.map((p) => p.definition.name), compiled: RUNNING_COMPILED }, 'daemon listening');

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop'): Promise<void> => {
    stopping ??= (async () => {
      dlog.info({ event: 'daemon.stopping', reason }, 'daemon stopping');
      accepting = false;
      input.close();
      const aborted = turns.abortAll('shutdown');
      if (aborted > 0) dlog.info({ event: 'daemon.turns_aborted', count: aborted }, 'aborted running turns');
      await host.stopAll();
      hub.closeAll();
      await app.close();
      await output.dispose();
      await hub.dispose();
      stopPerfLog();
      stopQueueLog();
      dlog.info({ event: 'daemon.stopped' }, 'daemon stopped');
    })();
    return stopping;
  };

  return { app, url, config, bus, status, hub, output, input, turns, tools, services, characters, stop };
}
