import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { EngineError } from '../../src/core/errors.ts';
import { TokenBucket } from '../../src/server/ws/rate-limit.ts';
import type { ObsAction } from './config.ts';
import type { ObsService } from './obs-service.ts';

const Name = z.string().min(1).max(256);
const Bodies = {
  scene: z.object({ name: Name }).strict(),
  source: z.object({ scene: Name, source: Name, visible: z.boolean() }).strict(),
  text: z.object({ source: Name, text: z.string().max(2000) }).strict(),
  filter: z.object({ source: Name, filter: Name, enabled: z.boolean() }).strict(),
  media: z.object({ source: Name, action: z.enum(['play', 'pause', 'stop', 'restart', 'next', 'previous']) }).strict(),
};

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw new EngineError('BAD_MESSAGE', `${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export interface ObsRoutesOptions {
  obs: ObsService;
  requireAdmin: preHandlerHookHandler;
  rate: { per_second: number; burst: number };
  /** Called after each accepted action, for the audit log. */
  onAction(action: ObsAction, req: FastifyRequest): void;
}

/**
 * `/api/obs/*`: every route needs the admin bearer token (401; failed attempts are limited per
 * address by the admin guard), then the token holder's request rate is limited (429), and only
 * allow-listed targets are acted on (403). The rate bucket is checked after the token, so callers
 * without it never use up the streamer's budget.
 */
export function obsRoutes(opts: ObsRoutesOptions): (app: FastifyInstance) => void {
  const bucket = new TokenBucket(opts.rate.per_second, opts.rate.burst);
  const rateLimit = async (_req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!bucket.take()) {
      void reply.header('retry-after', '1');
      await reply.code(429).send({ error: { code: 'RATE_LIMITED', message: 'too many OBS requests; slow down' } });
    }
  };
  const act = async (req: FastifyRequest, action: ObsAction): Promise<{ ok: true }> => {
    await opts.obs.perform(action);
    opts.onAction(action, req);
    return { ok: true };
  };
  return (app) => {
    const preHandler = [opts.requireAdmin, rateLimit];
    app.get('/status', { preHandler }, async () => ({ ...opts.obs.status(), allow: opts.obs.allow }));
    app.get('/scenes', { preHandler }, async () => {
      const { current, scenes } = await opts.obs.listScenes();
      return { current, scenes: scenes.map((name) => ({ name, allowed: opts.obs.allow.scenes.includes(name) })) };
    });
    app.post('/scene', { preHandler }, async (req) => {
      const b = parse(Bodies.scene, req.body);
      return act(req, { type: 'scene', name: b.name });
    });
    app.post('/source', { preHandler }, async (req) => {
      const b = parse(Bodies.source, req.body);
      return act(req, { type: 'source', scene: b.scene, source: b.source, visible: b.visible });
    });
    app.post('/text', { preHandler }, async (req) => {
      const b = parse(Bodies.text, req.body);
      // Literal text: braces from the caller are not a template.
      await opts.obs.perform({ type: 'text', source: b.source, text: '{text}' }, { text: b.text });
      opts.onAction({ type: 'text', source: b.source, text: '' }, req);
      return { ok: true };
    });
    app.post('/filter', { preHandler }, async (req) => {
      const b = parse(Bodies.filter, req.body);
      return act(req, { type: 'filter', source: b.source, filter: b.filter, enabled: b.enabled });
    });
    app.post('/media', { preHandler }, async (req) => {
      const b = parse(Bodies.media, req.body);
      return act(req, { type: 'media', source: b.source, action: b.action });
    });
  };
}
