import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { EngineError } from '../../core/errors.ts';
import type { ConversationLog } from './conversation-log.ts';
import type { HistoryStore } from './history-store.ts';

function sendError(reply: { code(n: number): { send(b: unknown): unknown } }, err: EngineError): unknown {
  return reply.code(err.httpStatus).send({ error: { code: err.code, message: err.message } });
}

/** Admin routes for the conversation history: list, read, delete from a message on, resume. */
export function registerHistoryRoutes(app: FastifyInstance, requireAdmin: preHandlerHookHandler, store: HistoryStore, log: ConversationLog): void {
  app.get('/admin/history', { preHandler: requireAdmin }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = clampInt(q.limit, 50, 1, 500);
    const offset = clampInt(q.offset, 0, 0, 1_000_000);
    return { active: log.conversationId, conversations: store.listConversations(limit, offset) };
  });

  app.get('/admin/history/:conversationId', { preHandler: requireAdmin }, async (req, reply) => {
    const { conversationId } = req.params as { conversationId: string };
    const conversation = store.getConversation(conversationId);
    if (!conversation) return sendError(reply, new EngineError('NOT_FOUND', `no conversation ${conversationId}`));
    const q = req.query as Record<string, string | undefined>;
    return { conversation, messages: store.messages(conversationId, clampInt(q.limit, 500, 1, 5000), clampInt(q.after, 0, 0, Number.MAX_SAFE_INTEGER)) };
  });

  app.delete('/admin/history/:conversationId/messages/:id', { preHandler: requireAdmin }, async (req, reply) => {
    const { conversationId, id } = req.params as { conversationId: string; id: string };
    const messageId = Number(id);
    if (!Number.isInteger(messageId) || messageId < 1) return sendError(reply, new EngineError('BAD_MESSAGE', 'message id must be a positive integer'));
    const deleted = log.deleteFrom(conversationId, messageId);
    if (deleted === 0) return sendError(reply, new EngineError('NOT_FOUND', `no message ${messageId} in conversation ${conversationId}`));
    return { deleted };
  });

  app.delete('/admin/history/:conversationId', { preHandler: requireAdmin }, async (req, reply) => {
    const { conversationId } = req.params as { conversationId: string };
    if (!store.deleteConversation(conversationId)) return sendError(reply, new EngineError('NOT_FOUND', `no conversation ${conversationId}`));
    if (log.conversationId === conversationId) log.startNew();
    return { deleted: conversationId, active: log.conversationId };
  });

  app.post('/admin/history/resume', { preHandler: requireAdmin }, async (req, reply) => {
    const body = req.body as { conversationId?: unknown; new?: unknown } | undefined;
    if (body?.new === true) return { active: log.startNew() };
    if (typeof body?.conversationId !== 'string') return sendError(reply, new EngineError('BAD_MESSAGE', 'body needs "conversationId" (string) or "new": true'));
    try {
      log.resume(body.conversationId);
    } catch (err) {
      if (err instanceof EngineError) return sendError(reply, err);
      throw err;
    }
    return { active: log.conversationId };
  });
}

function clampInt(v: string | undefined, dflt: number, min: number, max: number): number {
  const n = v === undefined ? dflt : Number.parseInt(v, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : dflt;
}
