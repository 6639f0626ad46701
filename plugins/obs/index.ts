import path from 'node:path';
import { definePlugin } from '../../src/plugin-host/define-plugin.ts';
import type { ComponentState } from '../../src/core/status-registry.ts';
import { ObsConfigSchema } from './config.ts';
import { ObsConnection, type ObsConnectionSnapshot } from './obs-connection.ts';
import { auditFields, obsRoutes } from './obs-routes.ts';
import { ObsService } from './obs-service.ts';
import { PendingRevertFile } from './pending-reverts.ts';
import { TriggerEngine } from './trigger-engine.ts';

declare module '../../src/core/services.ts' {
  interface ServiceMap {
    /** OBS control by name; `perform` applies the allow-list (the MCP plugin's obs_scene uses it). */
    obs: ObsService;
  }
}

export type { ObsService } from './obs-service.ts';

function statusOf(s: ObsConnectionSnapshot): { state: ComponentState; detail: string; info: Record<string, unknown> } {
  const info: Record<string, unknown> = { connection: s.state, url: s.url, ...s.versions, ...(s.currentScene ? { currentScene: s.currentScene } : {}) };
  switch (s.state) {
    case 'connected':
      return { state: 'live', detail: `connected to OBS ${s.versions?.obsVersion ?? '?'} (obs-websocket ${s.versions?.obsWebSocketVersion ?? '?'})`, info };
    case 'auth_failed':
      return { state: 'degraded', detail: 'OBS refused the password: set OBS_WEBSOCKET_PASSWORD to the one in OBS → Tools → WebSocket Server Settings', info: { ...info, attempts: s.attempts } };
    case 'unresponsive':
      return { state: 'degraded', detail: 'OBS stopped answering; reconnecting', info: { ...info, lastError: s.lastError } };
    case 'reconnecting':
      return { state: 'degraded', detail: `OBS not reachable at ${s.url}; retrying`, info: { ...info, attempts: s.attempts, nextAttemptAt: s.nextAttemptAt, lastError: s.lastError } };
    case 'connecting':
      return { state: 'degraded', detail: `connecting to OBS at ${s.url}`, info };
    case 'disabled':
      return { state: 'disabled', detail: 'plugins.obs.enabled is false', info };
  }
}

/**
 * OBS control over obs-websocket v5: a kept-alive connection, an allow-listed service, REST under
 * /api/obs, and trigger rules from bus events. OBS being closed is a status line, not an error.
 */
export default definePlugin({
  name: 'obs',
  description: 'Controls OBS Studio (scenes, sources, text, filters) through obs-websocket 5',
  configSchema: ObsConfigSchema,
  setup(ctx) {
    const cfg = ctx.config;
    const url = `ws://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${cfg.port}`;
    if (!cfg.enabled) {
      ctx.setStatus('disabled', { detail: 'plugins.obs.enabled is false', info: { connection: 'disabled', url } });
      return;
    }
    const password = ctx.secret('OBS_WEBSOCKET_PASSWORD') ?? cfg.password;
    const conn = new ObsConnection({
      url,
      password,
      connectTimeoutMs: cfg.connect_timeout_ms,
      requestTimeoutMs: cfg.request_timeout_ms,
      healthCheckMs: cfg.health_check_ms,
      backoff: { initialMs: cfg.reconnect.initial_ms, maxMs: cfg.reconnect.max_ms, factor: 2, jitter: 0.2 },
      knownUpMaxMs: cfg.reconnect.known_up_max_ms,
      log: ctx.log,
      signal: ctx.signal,
    });
    const obs = new ObsService(conn, cfg.allow);
    const publish = (s: ObsConnectionSnapshot): void => {
      const st = statusOf(s);
      ctx.setStatus(st.state, { detail: st.detail, info: st.info });
    };
    ctx.onDispose(conn.onChange(publish));
    publish(conn.snapshot);
    ctx.onDispose(() => conn.stop());

    ctx.onDispose(ctx.services.provide('obs', obs));

    const triggers = new TriggerEngine({
      rules: cfg.triggers,
      obs,
      log: ctx.log,
      followPlayback: () => ctx.services.get('speech') !== undefined,
      store: new PendingRevertFile(path.join(ctx.settings.dataDir, 'obs', 'pending-reverts.json'), ctx.log),
      onConnected: (listener) => {
        let was = conn.snapshot.state;
        return conn.onChange((s) => {
          if (s.state === 'connected' && was !== 'connected') listener();
          was = s.state;
        });
      },
    });
    // Registered after conn.stop, so it runs first on dispose: reverts go out while still connected.
    ctx.onDispose(() => triggers.stop());
    ctx.onDispose(triggers.start(ctx.on));

    ctx.routes(
      obsRoutes({
        obs,
        requireAdmin: ctx.requireAdmin,
        rate: cfg.rate_limit,
        onAction: (action, req, outcome, code) =>
          ctx.log[outcome === 'ok' ? 'info' : 'warn']({ event: 'obs.rest_action', action: action.type, ...auditFields(action), outcome, ...(code ? { code } : {}), request_id: req.id }, 'OBS action via REST'),
        reconnect: () => conn.reconnectNow(),
      }),
    );
    conn.start();
    ctx.log.info({ event: 'obs.starting', url, auth: password !== undefined, triggers: cfg.triggers.length }, 'OBS plugin starting');
  },
});
