import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { InputQueue } from '../core/input-queue.ts';
import { STREAMER, type InputUser } from '../core/input.ts';

/** `POST /admin/events/game-result`: what the streamer or a tool reports. */
export const GameResultBodySchema = z
  .object({
    result: z.enum(['win', 'loss']),
    /** Which game, e.g. "Elden Ring". */
    game: z.string().trim().min(1).max(100).optional(),
    /** Score, place, boss name… */
    detail: z.string().trim().min(1).max(300).optional(),
    /** A comment for the character to react to. */
    comment: z.string().trim().max(500).optional(),
    /** Who reports it, shown in history; default: the streamer. */
    reporter: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export interface GameResultDeps {
  requireAdmin: preHandlerHookHandler;
  input: InputQueue;
  log: Logger;
}

function reporterUser(name: string | undefined): InputUser {
  return name ? { id: `local:${name.toLowerCase().replace(/[^\p{L}\p{N}_-]+/gu, '-')}`, displayName: name, platform: 'local' } : STREAMER;
}

/**
 * Queues a `win` or `loss` input (priority of donations and cheers) so the character reacts to a
 * game result with the character's `event_templates.win` / `loss`. Admin token required.
 */
export function registerGameResultRoutes(app: FastifyInstance, deps: GameResultDeps): void {
  app.post('/admin/events/game-result', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const parsed = GameResultBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(body)';
      return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: `body.${field}: ${issue?.message ?? 'invalid'}`, field } });
    }
    const b = parsed.data;
    const item = deps.input.push({
      kind: b.result,
      text: b.comment ?? '',
      user: reporterUser(b.reporter),
      source: 'admin',
      ...(req.id ? { requestId: String(req.id) } : {}),
      ...(b.game ? { game: b.game } : {}),
      ...(b.detail ? { detail: b.detail } : {}),
    });
    deps.log.info({ event: 'game_result.queued', result: b.result, input_id: item.id }, 'game result queued');
    return reply.code(202).send({ inputId: item.id, kind: item.kind, queued: deps.input.size });
  });
}
