import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AuthFailureLimiter, tokensEqual } from './tokens.ts';

/** Wrong or missing admin tokens one address may send per minute before it gets 429. */
export const ADMIN_AUTH_FAILURES_PER_MINUTE = 20;

/**
 * Bearer-token guard for admin routes. With no token configured every admin route is off (404),
 * so a daemon exposed by mistake never offers an unauthenticated control surface. Failed attempts
 * are limited per address; the right token always gets through, so nobody guessing next to the
 * streamer can lock them out.
 */
export function makeAdminGuard(adminToken: string | undefined, failures = new AuthFailureLimiter(ADMIN_AUTH_FAILURES_PER_MINUTE, 60_000)): preHandlerHookHandler {
  return async function requireAdmin(req: FastifyRequest, reply: FastifyReply) {
    if (!adminToken) {
      return reply.code(404).send({ error: { code: 'ADMIN_DISABLED', message: 'admin routes are off: set VTUBER_ADMIN_TOKEN to enable them' } });
    }
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (token && tokensEqual(token, adminToken)) return;
    const wait = failures.blockedFor(req.ip);
    if (wait !== undefined) {
      void reply.header('retry-after', String(wait));
      return reply.code(429).send({ error: { code: 'RATE_LIMITED', message: `too many failed admin logins from this address; retry after ${wait} s` } });
    }
    failures.fail(req.ip);
    void reply.header('www-authenticate', 'Bearer');
    return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'send Authorization: Bearer <VTUBER_ADMIN_TOKEN>' } });
  };
}
