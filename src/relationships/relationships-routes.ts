import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { EngineError } from '../core/errors.ts';
import type { MemoryService } from '../memory/memory-service.ts';
import { relationshipCard } from './relationship-card.ts';
import type { RelationshipDb, Viewer } from './relationship-db.ts';
import type { RelationshipsConfig } from './relationships-config.ts';
import { CsvError, toCsv, viewersFromCsv } from './relationships-csv.ts';

export interface RelationshipRouteDeps {
  db: RelationshipDb;
  cfg: RelationshipsConfig;
  requireAdmin: preHandlerHookHandler;
  memory: () => MemoryService | undefined;
}

const EditSchema = z
  .object({
    affinity: z.number().min(-100).max(100).optional(),
    trust: z.number().min(0).max(100).optional(),
    loyalty: z.number().min(0).max(100).optional(),
    tags: z.array(z.string().min(1).max(40).regex(/^[^|]+$/, 'no |')).max(20).optional(),
    notes: z.string().max(2000).optional(),
    display_name: z.string().min(1).max(100).optional(),
  })
  .strict();

function view(v: Viewer): Record<string, unknown> {
  return {
    user: { ...v.user, previous_names: JSON.parse(v.user.previous_names) as unknown },
    relationship: { ...v.relationship, tags: JSON.parse(v.relationship.tags) as unknown },
  };
}

/** `/admin/relationships/*`: recent list, one viewer (with card and interactions), edit, forget, CSV. */
export function registerRelationshipRoutes(app: FastifyInstance, deps: RelationshipRouteDeps): void {
  const { db, cfg } = deps;
  const pre = { preHandler: deps.requireAdmin };
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: cfg.import_max_bytes }, (_req, body, done) => done(null, body));

  app.get('/admin/relationships', pre, async (req) => {
    const q = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }).safeParse(req.query);
    const limit = q.success && q.data.limit ? q.data.limit : cfg.recent_limit;
    return { viewers: db.recent(limit).map(view) };
  });

  app.get('/admin/relationships/export.csv', pre, async (_req, reply) => {
    void reply.header('content-disposition', 'attachment; filename="relationships.csv"');
    return reply.type('text/csv; charset=utf-8').send(toCsv(db.all()));
  });

  app.post('/admin/relationships/import.csv', { ...pre, bodyLimit: cfg.import_max_bytes }, async (req, reply) => {
    if (typeof req.body !== 'string') throw new EngineError('UNSUPPORTED_MEDIA_TYPE', 'send the file as text/csv');
    try {
      const viewers = viewersFromCsv(req.body);
      db.importViewers(viewers, 'admin');
      return { imported: viewers.length };
    } catch (err) {
      if (err instanceof CsvError) return reply.code(400).send({ error: { code: 'IMPORT_INVALID', message: err.message, row: err.row, column: err.column } });
      throw err;
    }
  });

  app.get('/admin/relationships/audit', pre, async () => ({ entries: db.auditLog(200) }));

  app.get<{ Params: { userId: string } }>('/admin/relationships/:userId', pre, async (req) => {
    const v = db.get(req.params.userId);
    if (!v) throw new EngineError('NOT_FOUND', `no viewer ${req.params.userId}`);
    const interactions = db.interactions(v.user.id, 50);
    return { ...view(v), card: relationshipCard(v, interactions, cfg.card_max_tokens), interactions };
  });

  app.put<{ Params: { userId: string } }>('/admin/relationships/:userId', pre, async (req, reply) => {
    const body = EditSchema.safeParse(req.body);
    if (!body.success) {
      const first = body.error.issues[0];
      return reply.code(400).send({ error: { code: 'BAD_MESSAGE', message: `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}` } });
    }
    const patch = Object.fromEntries(Object.entries(body.data).filter(([, v]) => v !== undefined));
    const v = db.edit(req.params.userId, patch, 'admin');
    if (!v) throw new EngineError('NOT_FOUND', `no viewer ${req.params.userId}`);
    return view(v);
  });

  app.delete<{ Params: { userId: string } }>('/admin/relationships/:userId', pre, async (req) => {
    const userId = req.params.userId;
    const rows = db.forget(userId, 'admin');
    const memory = deps.memory();
    let memories: 'forgotten' | 'memory off' = 'memory off';
    if (memory) {
      memory.forgetUser(userId);
      await memory.settle(10_000);
      memories = 'forgotten';
    }
    return { forgotten: userId, ...rows, memories };
  });
}
