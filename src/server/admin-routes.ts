import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { InputQueue } from '../core/input-queue.ts';
import type { StatusRegistry } from '../core/status-registry.ts';
import type { ToolRegistry } from '../core/tool-registry.ts';
import type { TurnTracker } from '../core/turn-tracker.ts';
import type { ClientHub } from './ws/client-hub.ts';

export interface AdminDeps {
  requireAdmin: preHandlerHookHandler;
  status: StatusRegistry;
  hub: ClientHub;
  input: InputQueue;
  turns: TurnTracker;
  tools: ToolRegistry;
  version: string;
  character: { name: string; displayName: string };
  startedAt: number;
}

/** `/admin/status`: every stage's and plugin's state, plus the figures an operator checks first. */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/admin/status', { preHandler: deps.requireAdmin }, async () => {
    const snap = deps.status.snapshot();
    return {
      version: deps.version,
      uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
      character: deps.character,
      stages: snap.stages,
      plugins: snap.plugins,
      services: snap.services,
      clients: deps.hub.list().map((c) => ({ uid: c.uid, remote: c.remote, can_send_input: c.canSendInput, connected_at: c.connectedAt })),
      queue: { size: deps.input.size, capacity: deps.input.capacity, next: deps.input.snapshot().slice(0, 10).map((i) => ({ id: i.id, kind: i.kind, user: i.user.id })) },
      turns: deps.turns.list().map((t) => ({ turnId: t.id, source: t.input.kind, state: t.state })),
      tools: deps.tools.list().map((t) => ({ name: t.name, source: t.source })),
      memory: { rss_mb: Math.round(process.memoryUsage().rss / 1048576) },
    };
  });
}
