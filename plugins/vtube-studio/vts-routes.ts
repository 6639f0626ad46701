import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { StatusEntry } from '../../src/core/status-registry.ts';
import type { VtsConfig } from './config.ts';
import type { VtsConnection } from './vts-connection.ts';
import { ExpressionsResponseSchema, HotkeysResponseSchema } from './vts-protocol.ts';

export interface VtsRouteDeps {
  conn: VtsConnection;
  cfg: Readonly<VtsConfig>;
  requireAdmin: preHandlerHookHandler;
  status(): StatusEntry | undefined;
}

/** Each configured tag with what it maps to and whether the loaded model has that hotkey/expression. */
function mappingReport(cfg: Readonly<VtsConfig>, hotkeys: Array<{ name: string; hotkeyID: string }>, expressions: Array<{ file: string }>) {
  const hotkeyKeys = new Set(hotkeys.flatMap((h) => [h.hotkeyID, h.name.toLowerCase()]));
  const files = new Set(expressions.map((e) => e.file));
  const rows = (kind: 'emotion' | 'motion', map: VtsConfig['emotions']) =>
    Object.entries(map).map(([tag, action]) => {
      const found = 'hotkey' in action ? hotkeyKeys.has(action.hotkey) || hotkeyKeys.has(action.hotkey.toLowerCase()) : files.has(action.expression);
      return { kind, tag, ...action, found };
    });
  return [...rows('emotion', cfg.emotions), ...rows('motion', cfg.motions)];
}

/**
 * `/api/vtube-studio/status` (public, no secrets), `/model` (admin: the loaded model's hotkeys and
 * expressions, so the streamer can fill `emotions` / `motions`), `/reconnect` (admin: after "Deny", ask again).
 */
export function registerVtsRoutes(app: FastifyInstance, deps: VtsRouteDeps): void {
  const { conn, cfg } = deps;
  app.get('/status', async () => {
    const status = deps.status();
    return { state: conn.state, detail: status?.detail ?? null, url: cfg.url, reconnects: conn.reconnects, lastError: conn.lastError ?? null, info: status?.info ?? {} };
  });

  app.get('/model', { preHandler: deps.requireAdmin }, async (_req, reply) => {
    if (!conn.ready) return reply.code(503).send({ error: { code: 'PLUGIN_UNAVAILABLE', message: `VTube Studio is not connected (state: ${conn.state})`, retryable: true } });
    try {
      const hk = HotkeysResponseSchema.parse(await conn.request('HotkeysInCurrentModelRequest', {}));
      const ex = ExpressionsResponseSchema.parse(await conn.request('ExpressionStateRequest', { details: false }));
      return {
        modelLoaded: hk.modelLoaded,
        modelName: hk.modelName,
        modelID: hk.modelID,
        hotkeys: hk.availableHotkeys.map((h) => ({ name: h.name, id: h.hotkeyID, type: h.type, file: h.file })),
        expressions: ex.expressions.map((e) => ({ name: e.name, file: e.file, active: e.active })),
        mapping: mappingReport(cfg, hk.availableHotkeys, ex.expressions),
      };
    } catch (err) {
      return reply.code(502).send({ error: { code: 'UPSTREAM_ERROR', message: err instanceof Error ? err.message : String(err), retryable: true } });
    }
  });

  app.post('/reconnect', { preHandler: deps.requireAdmin }, async (_req, reply) => {
    conn.reconnectNow();
    return reply.code(202).send({ state: conn.state });
  });
}
