import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { FrontendConfig } from '../config/schema/frontend.ts';
import { EngineError } from '../core/errors.ts';
import { TokenBucket } from './ws/rate-limit.ts';

const Short = z.string().max(128);
const EntrySchema = z
  .object({
    ts: z.string().max(40),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    component: Short,
    event: Short,
    msg: z.string().max(500).optional(),
    request_id: Short.optional(),
    client_uid: Short.optional(),
    ws_seq: z.number().int().min(0).optional(),
    data: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

const MAX_BUCKETS = 1000;

/**
 * `POST /api/logs`: browser log lines into the server log (component `frontend`), when
 * `frontend.log_ingest.enabled`. Rate-limited per client address; every field is bounded.
 */
export function registerClientLogRoutes(app: FastifyInstance, deps: { config: FrontendConfig['log_ingest']; log: Logger }): void {
  const buckets = new Map<string, TokenBucket>();
  const body = z.object({ entries: z.array(EntrySchema).min(1).max(deps.config.max_batch) }).strict();
  const flog = deps.log.child({ component: 'frontend' });

  app.post('/api/logs', async (req, reply) => {
    if (!deps.config.enabled) throw new EngineError('NOT_FOUND', 'log ingest is off: set frontend.log_ingest.enabled: true in conf.yaml');
    const parsed = body.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EngineError('BAD_MESSAGE', `field ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`);
    }
    let bucket = buckets.get(req.ip);
    if (!bucket) {
      if (buckets.size >= MAX_BUCKETS) buckets.clear();
      bucket = new TokenBucket(deps.config.max_per_minute / 60, deps.config.max_per_minute);
      buckets.set(req.ip, bucket);
    }
    if (!bucket.take(parsed.data.entries.length)) throw new EngineError('RATE_LIMITED', `more than ${deps.config.max_per_minute} log lines per minute`);
    for (const e of parsed.data.entries) {
      flog[e.level](
        {
          event: 'frontend.log',
          client_event: e.event,
          client_component: e.component,
          client_ts: e.ts,
          ...(e.msg !== undefined ? { client_msg: e.msg } : {}),
          ...(e.request_id !== undefined ? { request_id: e.request_id } : {}),
          ...(e.client_uid !== undefined ? { client_uid: e.client_uid } : {}),
          ...(e.ws_seq !== undefined ? { ws_seq: e.ws_seq } : {}),
          ...(e.data ? { data: e.data } : {}),
        },
        'browser log line',
      );
    }
    return reply.code(202).send({ accepted: parsed.data.entries.length });
  });
}
