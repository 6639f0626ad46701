import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { DisposableStore, type Disposer } from '../core/disposable.ts';
import { EngineError } from '../core/errors.ts';
import { withTimeout } from '../core/retry.ts';
import type { ComponentKind, ComponentState, StatusRegistry } from '../core/status-registry.ts';

/** The parts every component (built-in stage or plugin) gets from its host. */
export interface ComponentBase {
  name: string;
  kind: ComponentKind;
  log: Logger;
  signal: AbortSignal;
  store: DisposableStore;
  setStatus(state: ComponentState, extra?: { detail?: string; info?: Record<string, unknown> }): void;
  /** Registers routes (with an optional prefix); requests get 503 while the component is not running. */
  routes(register: (app: FastifyInstance) => void | Promise<void>, prefix?: string): void;
}

interface Running {
  base: ComponentBase;
  controller: AbortController;
  failed: boolean;
}

/**
 * Starts components with a setup timeout, tracks their status, and disposes them in reverse
 * order. A component whose setup throws or hangs is marked failed and its partial registrations
 * are undone; the daemon keeps running.
 */
export class ComponentHost {
  private readonly running: Running[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly status: StatusRegistry,
    private readonly log: Logger,
  ) {}

  async start(
    kind: ComponentKind,
    name: string,
    timeoutMs: number,
    setup: (base: ComponentBase) => void | Disposer | Promise<void | Disposer>,
  ): Promise<boolean> {
    const controller = new AbortController();
    const store = new DisposableStore();
    store.add(() => controller.abort(new EngineError('ABORTED', `${name} stopped`)));
    const log = this.log.child({ component: kind === 'plugin' ? `plugin:${name}` : name });
    const entry: Running = { base: undefined as unknown as ComponentBase, controller, failed: false };
    const isUp = (): boolean => {
      const s = this.status.get(kind, name)?.state;
      return !entry.failed && !store.isDisposed && (s === 'live' || s === 'degraded' || s === 'starting');
    };
    entry.base = {
      name,
      kind,
      log,
      signal: controller.signal,
      store,
      setStatus: (state, extra) => {
        if (!store.isDisposed || state === 'stopped' || state === 'failed') this.status.set(kind, name, state, extra);
      },
      routes: (register, prefix) => {
        this.app.register(
          async (instance) => {
            instance.addHook('onRequest', async (_req, reply) => {
              if (!isUp()) {
                await reply.code(503).send({ error: { code: 'PLUGIN_UNAVAILABLE', message: `${name} is not running` } });
              }
            });
            try {
              await register(instance);
            } catch (err) {
              log.error({ event: 'component.routes_failed', err }, 'registering routes failed');
              entry.failed = true;
              this.status.set(kind, name, 'failed', { detail: `routes failed: ${(err as Error).message}` });
            }
          },
          prefix ? { prefix } : {},
        );
      },
    };
    this.status.set(kind, name, 'starting');
    this.running.push(entry);
    const started = performance.now();
    try {
      const result = await withTimeout(
        Promise.resolve().then(() => setup(entry.base)),
        timeoutMs,
        () => new EngineError('PLUGIN_SETUP_TIMEOUT', `${kind} ${name}: setup did not finish within ${timeoutMs} ms`),
      );
      if (typeof result === 'function') store.add(result);
      if (this.status.get(kind, name)?.state === 'starting') this.status.set(kind, name, 'live');
      log.info({ event: 'component.started', kind, ms: Math.round(performance.now() - started) }, 'component started');
      return true;
    } catch (err) {
      entry.failed = true;
      const code = err instanceof EngineError ? err.code : 'PLUGIN_SETUP_FAILED';
      log.error({ event: 'component.setup_failed', kind, code, err }, 'component setup failed');
      const errors = await store.dispose();
      for (const e of errors) log.warn({ event: 'component.dispose_failed', err: e }, 'cleanup after failed setup threw');
      this.status.set(kind, name, 'failed', { detail: `${code}: ${(err as Error).message}` });
      return false;
    }
  }

  /** Disposes every component, newest first. Errors are logged, never thrown. */
  async stopAll(): Promise<void> {
    while (this.running.length > 0) {
      const entry = this.running.pop();
      if (!entry || entry.base.store.isDisposed) continue;
      const errors = await entry.base.store.dispose();
      for (const err of errors) entry.base.log.warn({ event: 'component.dispose_failed', err }, 'cleanup threw during stop');
      if (!entry.failed) this.status.set(entry.base.kind, entry.base.name, 'stopped');
    }
  }
}
