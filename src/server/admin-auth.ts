import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { tokensEqual } from './ws/connection.ts';

/**
 * Bearer-token guard for admin routes. With no token configured every admin route is off (404),
 * so a daemon exposed by mistake never offers an unauthenticated control surface.
 */
export function makeAdminGuard(adminToken: string | undefined): preHandlerHookHandler {
  return async function requireAdmin(req: FastifyRequest, reply: FastifyReply) {
    if (!adminToken) {
      return reply.code(404).send({ error: { code: 'ADMIN_DISABLED', message: 'admin routes are off: set VTUBER_ADMIN_TOKEN to enable them' } });
    }
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token || !tokensEqual(token, adminToken)) {
      void reply.header('www-authenticate', 'Bearer');
      return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'send Authorization: Bearer <VTUBER_ADMIN_TOKEN>' } });
    }
  };
}
