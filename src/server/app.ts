import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/schema/server.ts';
import { EngineError } from '../core/errors.ts';

export interface AppOptions {
  log: Logger;
  /** Where the one-line-per-request access log goes (its own sink). */
  accessLog: Logger;
  server: ServerConfig;
  /** Built frontend directory (`frontend/dist`); served at `/` when it exists. */
  frontendDir: string;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The fastify instance: request ids (`X-Request-ID` in and out), `{error:{code,message}}` bodies,
 * `/healthz`, the websocket plugin and the static frontend. Routes are added by the daemon,
 * stages and plugins before it listens.
 */
export async function createApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const header = req.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID_RE.test(header) ? header : randomUUID();
    },
    bodyLimit: opts.server.body_limit_bytes,
    forceCloseConnections: true,
    // Errors fastify raises before routing (a path parameter too long, a bad URL) get our error body too.
    frameworkErrors: (err, _req, res) => {
      const reply = res as unknown as FastifyReply;
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void reply.code(status).send({ error: { code: status === 414 ? 'URI_TOO_LONG' : 'BAD_REQUEST', message: err.message } });
    },
    return503OnClosing: true,
  });

  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  // One access-log line per request, keys as docs/logging.md lists them (fastify's own request lines are off).
  app.addHook('onResponse', async (req, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : req.url === '/healthz' ? 'debug' : 'info';
    opts.accessLog[level](
      {
        event: 'http.request',
        request_id: req.id,
        method: req.method,
        route: req.routeOptions.url ?? req.url.split('?')[0],
        status: reply.statusCode,
        latency_ms: Math.round(reply.elapsedTime * 100) / 100,
        payload_size: Number(req.headers['content-length'] ?? 0) || 0,
        response_size: Number(reply.getHeader('content-length') ?? 0) || 0,
      },
      'http request',
    );
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof EngineError) {
      return reply.code(err.httpStatus).send({ error: { code: err.code, message: err.message } });
    }
    const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
    if (status >= 500) req.log.error({ event: 'http.error', err }, 'request failed');
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status >= 500 ? 'INTERNAL' : (e.code ?? 'BAD_REQUEST');
    return reply.code(status).send({ error: { code, message: status >= 500 ? 'internal error' : (e.message ?? 'bad request') } });
  });

  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  // After the error handler, so the preflight route answers errors in our format too.
  await registerCors(app, opts.server.cors_origins);
  app.get('/healthz', async () => ({ status: 'ok' }));

  await app.register(fastifyWebsocket, {
    options: { maxPayload: opts.server.ws.max_message_bytes },
    // ws already answers protocol errors (e.g. 1009 for an oversized message) with a close frame;
    // the default handler would terminate the socket first, losing replies still being written.
    errorHandler: (error, socket) => {
      app.log.debug({ event: 'ws.protocol_error', code: (error as { code?: string }).code }, 'websocket protocol error');
      if (socket.readyState === socket.OPEN) socket.close(1011, 'internal error');
    },
  });

  if (existsSync(opts.frontendDir)) {
    await app.register(fastifyStatic, { root: opts.frontendDir, prefix: '/', index: ['index.html'], wildcard: false, cacheControl: true, maxAge: 0 });
    // The overlay is the avatar page in overlay mode; the admin panel is its own page.
    app.get('/overlay', async (_req, reply) => reply.sendFile('index.html'));
    app.get('/admin', async (_req, reply) => reply.sendFile('admin.html'));
  } else {
    app.get('/', async (_req, reply) =>
      reply.code(503).type('text/plain').send('The frontend is not built. Run `npm run build:frontend` (npm install does it for you).\n'),
    );
  }
  return app;
}

/**
 * Cross-origin access from `server.cors_origins` (exact origins, or `*` for any): empty means
 * same origin only, so no CORS headers at all. Admin routes never answer a wildcard: only an
 * origin listed by name may call them from a browser.
 */
async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const listed = new Set(origins);
  await app.register(fastifyCors, {
    delegator: (req, cb) => {
      const origin = req.headers.origin;
      const admin = (req.url ?? '').startsWith('/admin');
      const allowed = origin !== undefined && (listed.has(origin) || (!admin && listed.has('*')));
      cb(null, {
        origin: allowed ? origin : false,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
        exposedHeaders: ['x-request-id', 'retry-after'],
        maxAge: 600,
        strictPreflight: true,
      });
    },
  });
}
