import path from 'node:path';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { EngineError } from '../core/errors.ts';
import { LOG_LEVELS, readLogs } from './log-reader.ts';

const QuerySchema = z
  .object({
    level: z.enum(LOG_LEVELS).optional(),
    component: z.string().max(64).optional(),
    request_id: z.string().max(128).optional(),
    event: z.string().max(128).optional(),
    limit: z.coerce.number().int().min(1).max(2000).default(200),
    format: z.enum(['json', 'jsonl']).default('json'),
  })
  .strict();

/**
 * `GET /admin/logs`: the newest server log lines from DATA_DIR/logs, filtered by minimum level, component,
 * request_id and event; `format=jsonl` downloads them as JSON lines. Reads are bounded in bytes and lines.
 */
export function registerAdminLogRoutes(app: FastifyInstance, deps: { requireAdmin: preHandlerHookHandler; dataDir: string }): void {
  const dir = path.join(deps.dataDir, 'logs');
  app.get('/admin/logs', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const parsed = QuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EngineError('BAD_MESSAGE', `query ${issue?.path.join('.') || '(query)'}: ${issue?.message ?? 'invalid'}`);
    }
    const q = parsed.data;
    const result = readLogs(dir, {
      limit: q.limit,
      ...(q.level ? { level: q.level } : {}),
      ...(q.component ? { component: q.component } : {}),
      ...(q.request_id ? { requestId: q.request_id } : {}),
      ...(q.event ? { event: q.event } : {}),
    });
    if (q.format === 'jsonl') {
      void reply.header('content-disposition', 'attachment; filename="vtuber-logs.jsonl"');
      return reply.type('application/x-ndjson').send(result.lines.map((l) => JSON.stringify(l)).join('\n') + (result.lines.length ? '\n' : ''));
    }
    return { lines: result.lines, scanned: result.scanned, truncated: result.truncated };
  });
}
