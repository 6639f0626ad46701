import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AuthFailureLimiter, tokensEqual } from './tokens.ts';

/** Wrong or missing tokens one address may send per minute before it gets 429 (admin and input alike). */
export const ADMIN_AUTH_FAILURES_PER_MINUTE = 20;

function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/**
 * Checks `Authorization: Bearer` against `token`. Failed attempts are counted per address in
 * `failures`; past the limit the address gets 429, but the right token always gets through, so
 * nobody guessing next to the streamer can lock them out.
 */
async function checkBearer(req: FastifyRequest, reply: FastifyReply, token: string | undefined, failures: AuthFailureLimiter, hint: string): Promise<FastifyReply | undefined> {
  const given = bearerOf(req);
  if (token && given && tokensEqual(given, token)) return undefined;
  const wait = failures.blockedFor(req.ip);
  if (wait !== undefined) {
    void reply.header('retry-after', String(wait));
    return reply.code(429).send({ error: { code: 'RATE_LIMITED', message: `too many failed logins from this address; retry after ${wait} s` } });
  }
  failures.fail(req.ip);
  void reply.header('www-authenticate', 'Bearer');
  return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: `send Authorization: Bearer <${hint}>` } });
}

/**
 * Bearer-token guard for admin routes. With no token configured every admin route is off (404),
 * so a daemon exposed by mistake never offers an unauthenticated control surface.
 */
export function makeAdminGuard(adminToken: string | undefined, failures = new AuthFailureLimiter(ADMIN_AUTH_FAILURES_PER_MINUTE, 60_000)): preHandlerHookHandler {
  return async function requireAdmin(req: FastifyRequest, reply: FastifyReply) {
    if (!adminToken) {
      return reply.code(404).send({ error: { code: 'ADMIN_DISABLED', message: 'admin routes are off: set VTUBER_ADMIN_TOKEN to enable them' } });
    }
    return checkBearer(req, reply, adminToken, failures, 'VTUBER_ADMIN_TOKEN');
  };
}

/**
 * Guard for HTTP routes that send input (e.g. `POST /asr`): the same rule as the websocket's
 * (`required` when the daemon is not on loopback or `server.input_auth` is `always`), counting
 * failures in the same per-address limiter.
 */
export function makeInputGuard(inputToken: string | undefined, required: boolean, failures: AuthFailureLimiter): preHandlerHookHandler {
  return async function requireInput(req: FastifyRequest, reply: FastifyReply) {
    if (!required) return undefined;
    return checkBearer(req, reply, inputToken, failures, 'VTUBER_INPUT_TOKEN');
  };
}
