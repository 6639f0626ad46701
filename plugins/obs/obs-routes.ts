import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { EngineError } from '../../src/core/errors.ts';
import { TokenBucket } from '../../src/server/ws/rate-limit.ts';
import { ObsActionSchema, type ObsAction } from './config.ts';
import type { ObsService } from './obs-service.ts';

const Name = z.string().min(1).max(256);
const Bodies = {
  scene: z.object({ name: Name }).strict(),
  source: z.object({ scene: Name, source: Name, visible: z.boolean() }).strict(),
  text: z.object({ source: Name, text: z.string().max(2000) }).strict(),
  filter: z.object({ source: Name, filter: Name, enabled: z.boolean() }).strict(),
  media: z.object({ source: Name, action: z.enum(['play', 'pause', 'stop', 'restart', 'next', 'previous']) }).strict(),
  output: z.object({ action: z.enum(['start', 'stop']) }).strict(),
};

export type AuditOutcome = 'ok' | 'refused' | 'failed';

/** What an action touches and sets, for the audit log (text shortened: it is show content, not a secret). */
export function auditFields(action: ObsAction): { target: string; value?: string | number | boolean } {
  switch (action.type) {
    case 'scene':
      return { target: action.name };
    case 'source':
      return { target: `${action.scene}/${action.source}`, value: action.visible };
    case 'text':
      return { target: action.source, value: action.text.slice(0, 200) };
    case 'filter':
      return { target: `${action.source}/${action.filter}`, value: action.enabled };
    case 'media':
      return { target: action.source, value: action.action };
    case 'transition':
      return { target: action.name, ...(action.duration_ms !== undefined ? { value: action.duration_ms } : {}) };
    case 'record':
    case 'stream':
      return { target: action.type, value: action.action };
    case 'transform':
      return { target: `${action.scene}/${action.source}`, value: JSON.stringify({ x: action.x, y: action.y, rotation: action.rotation, scale_x: action.scale_x, scale_y: action.scale_y }) };
  }
}

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
  /** Called for each action, accepted or not, for the audit log. */
  onAction(action: ObsAction, req: FastifyRequest, outcome: AuditOutcome, code?: string): void;
  /** Drops the connection's wait and reconnects now. */
  reconnect(): void;
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
  /** Runs an action and audits it, refusals and failures included. `vars` fills a text template. */
  const act = async (req: FastifyRequest, action: ObsAction, vars: Readonly<Record<string, string>> = {}, audited: ObsAction = action): Promise<{ ok: true }> => {
    try {
      await opts.obs.perform(action, vars);
    } catch (err) {
      const code = err instanceof EngineError ? err.code : 'INTERNAL';
      opts.onAction(audited, req, code === 'FORBIDDEN' ? 'refused' : 'failed', code);
      throw err;
    }
    opts.onAction(audited, req, 'ok');
    return { ok: true };
  };
  /** A body checked as the whole action of `type`: the same schema (and limits) trigger rules get. */
  const actionOf = (type: 'transition' | 'transform', body: unknown): ObsAction =>
    parse(ObsActionSchema, typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, type } : body);
  return (app) => {
    const preHandler = [opts.requireAdmin, rateLimit];
    app.get('/status', { preHandler }, async () => ({ ...opts.obs.status(), allow: opts.obs.allow }));
    app.post('/reconnect', { preHandler }, async (_req, reply) => {
      opts.reconnect();
      return reply.code(202).send({ ok: true, state: opts.obs.status().state });
    });
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
      return act(req, { type: 'text', source: b.source, text: '{text}' }, { text: b.text }, { type: 'text', source: b.source, text: b.text });
    });
    app.post('/filter', { preHandler }, async (req) => {
      const b = parse(Bodies.filter, req.body);
      return act(req, { type: 'filter', source: b.source, filter: b.filter, enabled: b.enabled });
    });
    app.post('/media', { preHandler }, async (req) => {
      const b = parse(Bodies.media, req.body);
      return act(req, { type: 'media', source: b.source, action: b.action });
    });
    app.post('/transition', { preHandler }, async (req) => act(req, actionOf('transition', req.body)));
    app.post('/record', { preHandler }, async (req) => act(req, { type: 'record', action: parse(Bodies.output, req.body).action }));
    app.post('/stream', { preHandler }, async (req) => act(req, { type: 'stream', action: parse(Bodies.output, req.body).action }));
    app.post('/transform', { preHandler }, async (req) => act(req, actionOf('transform', req.body)));
  };
}
