import path from 'node:path';
import { defineStage } from '../plugin-host/define-stage.ts';
import { isEngineError } from '../core/errors.ts';
import { ChromaStore } from './chroma-store.ts';
import { ChromaSupervisor } from './chroma-supervisor.ts';
import { Consolidator } from './consolidator.ts';
import { createEmbedder } from './embedders/create-embedder.ts';
import { chooseEmbedder, lexicalFallback } from './embedders/embedder-choice.ts';
import { MemoryDb } from './memory-db.ts';
import { createMemoryProvider } from './memory-provider.ts';
import { registerMemoryRoutes } from './memory-routes.ts';
import { importSeed } from './memory-seed.ts';
import { MemoryService } from './memory-service.ts';
import { memoriesFromTurn } from './turn-writer.ts';

declare module '../core/services.ts' {
  interface ServiceMap {
    memory: MemoryService;
  }
}

/**
 * Long-term memory: supervises Chroma, embeds, recalls for the prompt, writes after each turn,
 * consolidates and sweeps on a schedule, and serves /admin/memory/*.
 */
export const memoryStage = defineStage({
  name: 'memory',
  async setup(ctx) {
    const cfg = ctx.config.memory;
    if (!cfg.enabled) {
      ctx.setStatus('disabled', { detail: 'memory.enabled is false' });
      return;
    }
    const log = ctx.log;
    let choice = chooseEmbedder(cfg.embedder, ctx.settings.modelsDir);
    let embedder = createEmbedder(choice.config, ctx.settings.modelsDir);
    try {
      await embedder.init(ctx.signal);
    } catch (err) {
      await embedder.dispose();
      if (choice.picked !== 'auto' || choice.kind !== 'semantic') {
        ctx.setStatus('unavailable', { detail: `embedder ${embedder.id}: ${(err as Error).message}` });
        return;
      }
      log.warn({ event: 'memory.embedder_fallback', embedder: embedder.id, err }, 'embedding model did not load; using the lexical embedder');
      choice = lexicalFallback(choice, (err as Error).message);
      embedder = createEmbedder(choice.config, ctx.settings.modelsDir);
      await embedder.init(ctx.signal);
    }
    const active = embedder;
    ctx.onDispose(() => active.dispose());
    log.info({ event: 'memory.embedder', embedder: embedder.id, kind: choice.kind, picked: choice.picked, reason: choice.reason }, 'memory embedder chosen');
    const embedderInfo = { id: embedder.id, kind: choice.kind, picked: choice.picked, reason: choice.reason, upgrade: choice.upgrade ?? null };
    // A switch made by `auto` (a model pulled or removed) re-embeds; an explicit type keeps on_change.
    const onChange = choice.picked === 'auto' ? 'reembed' : cfg.embedder.on_change;
    const character = ctx.config.active_character;
    const db = new MemoryDb(ctx.settings.dataDir, character);
    let dbClosed = false;
    ctx.onDispose(() => {
      dbClosed = true;
      db.close();
    });
    const supervisor = new ChromaSupervisor({
      mode: cfg.chroma.mode,
      url: cfg.chroma.url,
      port: cfg.chroma.port,
      dataPath: path.join(ctx.settings.dataDir, 'chroma'),
      rootDir: ctx.settings.rootDir,
      healthIntervalMs: cfg.chroma.health_interval_ms,
      startupTimeoutMs: cfg.chroma.startup_timeout_ms,
      backoff: { initialMs: cfg.chroma.restart_backoff.initial_ms, maxMs: cfg.chroma.restart_backoff.max_ms, factor: 2, jitter: 0.2 },
      log,
    });
    ctx.onDispose(() => supervisor.stop());
    const store = new ChromaStore(cfg.chroma.collection_prefix, embedder, log);
    let connected = false;
    const memory = new MemoryService(cfg, db, store, embedder, () => connected && supervisor.isHealthy, log);
    ctx.onDispose(async () => {
      // Last chance to hand queued writes to Chroma; whatever is left stays in the outbox for next start.
      if (memory.available && db.pendingItems() > 0) await memory.settle(1500);
      memory.close();
    });

    const refreshStatus = async (): Promise<void> => {
      const counts = connected && supervisor.isHealthy ? await memory.counts().catch(() => undefined) : undefined;
      // A refresh started just before stop must not touch the closed database (it runs un-awaited).
      if (dbClosed) return;
      const embed = [...memory.embedTimings].sort((a, b) => a - b);
      const importStored = memory.importProgress();
      ctx.setStatus(connected && supervisor.isHealthy ? 'live' : 'degraded', {
        ...(connected && supervisor.isHealthy ? {} : { detail: 'chroma is down: replies go without memories, writes are queued' }),
        info: {
          character: memory.character,
          chroma: { mode: cfg.chroma.mode, url: supervisor.url, pid: supervisor.pid ?? null, healthy: supervisor.isHealthy, restarts: supervisor.restarts },
          embedder: embedderInfo,
          // The status chip's tooltip shows it: how to make memory semantic.
          ...(choice.kind === 'lexical' && choice.pull ? { pull_command: choice.pull } : {}),
          collections: counts ?? null,
          outbox_pending: db.pendingItems(),
          // A long admin import: items stored so far / items in it (shown in the admin panel's memory line).
          ...(importStored ? { import_stored: importStored } : {}),
          upsert_ms: store.upserts.summary(),
          query_ms: store.queries.summary(),
          recall_cache: { viewers: memory.cache.size, hits: memory.cache.hits, misses: memory.cache.misses },
          embed_ms_p50: embed.length ? Math.round((embed[Math.floor(embed.length / 2)] as number) * 1000) / 1000 : null,
        },
      });
    };

    let connecting: Promise<void> | undefined;
    const connect = (): Promise<void> => {
      connecting ??= openStore().finally(() => {
        connecting = undefined;
      });
      return connecting;
    };
    const openStore = async (): Promise<void> => {
      try {
        await store.open(supervisor.url, onChange);
        memory.cache.clear();
        connected = true;
        log.info({ event: 'memory.connected', url: supervisor.url }, 'memory store connected');
        await memory.migrateCharacters().catch((err: unknown) => log.warn({ event: 'memory.characters_migrate_failed', err }, 'giving old memories a character failed; will retry on reconnect'));
        await memory.flush();
      } catch (err) {
        connected = false;
        if (isEngineError(err) && err.code === 'CONFIG_INVALID') throw err;
        log.warn({ event: 'memory.connect_failed', err }, 'opening collections failed');
      }
      await refreshStatus();
    };
    supervisor.on('up', () => void connect().catch((err: unknown) => log.error({ event: 'memory.connect_refused', err }, 'memory store refused')));
    supervisor.on('down', (reason) => {
      connected = false;
      log.warn({ event: 'memory.chroma_down', reason }, 'chroma is down');
      void refreshStatus();
    });

    // Chroma starts in the background: the daemon listens at once and memory joins when it answers.
    ctx.setStatus('degraded', { detail: 'chroma is starting' });
    void supervisor.start().then(async (up) => {
      if (up && !connected) await connect();
      if (!up) {
        log.warn({ event: 'memory.chroma_unreachable', url: supervisor.url, stderr: supervisor.lastErrors().slice(-3) }, 'chroma did not answer at start');
        await refreshStatus();
      }
    }).catch((err: unknown) => {
      log.error({ event: 'memory.start_failed', err }, 'memory store did not start');
      ctx.setStatus('failed', { detail: (err as Error).message });
    });

    if (cfg.seed_on_start) {
      try {
        importSeed(memory, ctx.settings.charactersDir, character, log);
      } catch (err) {
        log.error({ event: 'memory.seed_failed', err }, 'seed memory file is invalid');
      }
    }

    const registry = ctx.services.get('promptContext');
    const provider = createMemoryProvider(memory, log);
    if (registry) ctx.onDispose(registry.register(provider));
    ctx.onDispose(ctx.services.provide('memory', memory));

    if (cfg.write.auto) {
      ctx.on('agent.reply_done', (done) => {
        const items = memoriesFromTurn(done, cfg, ctx.currentConfig().character.display_name);
        if (items.length === 0) return;
        try {
          memory.write(items);
          log.debug({ event: 'memory.turn_written', turn_id: done.turnId, count: items.length, kinds: items.map((i) => i.metadata.kind) }, 'turn memories queued');
        } catch (err) {
          log.warn({ event: 'memory.write_refused', err }, 'turn memories dropped');
        }
      });
    }

    // Warm the recall cache while the input waits in the queue, so the turn's recall is local.
    ctx.on('input.queued', (item) => memory.prefetch(item.user.id));

    const activeUsers = (): Set<string> => new Set(ctx.turns.list().map((t) => t.input.user.id));
    const consolidator = new Consolidator(memory, log, activeUsers);
    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      const t = setInterval(() => {
        if (memory.available) void fn().catch((err: unknown) => log.warn({ event: 'memory.scheduled_failed', err }, 'scheduled memory task failed'));
      }, ms);
      t.unref();
      timers.push(t);
    };
    every(cfg.session.sweep_interval_ms, () => consolidator.prune('schedule'));
    if (cfg.consolidation.interval_minutes > 0) every(cfg.consolidation.interval_minutes * 60_000, () => consolidator.run('schedule'));
    every(Math.max(1000, cfg.chroma.health_interval_ms), refreshStatus);
    ctx.onDispose(() => timers.forEach((t) => clearInterval(t)));

    ctx.routes((app) => registerMemoryRoutes(app, { memory, consolidator, requireAdmin: ctx.requireAdmin }));

    // A runtime switch: recall, writes and core blocks follow the new character; its seed file is imported.
    ctx.onCharacterSwitch({
      name: 'memory',
      prepare: (next) => ({
        commit: () => {
          memory.setCharacter(next.active_character);
          void refreshStatus();
          if (!cfg.seed_on_start) return;
          try {
            importSeed(memory, ctx.settings.charactersDir, next.active_character, log);
          } catch (err) {
            log.error({ event: 'memory.seed_failed', err }, 'seed memory file is invalid');
          }
        },
      }),
    });
  },
});
