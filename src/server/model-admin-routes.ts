import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isInstalled } from '../models/model-install.ts';
import { loadRegistry, registryFile, type ModelEntry, type ModelRegistry } from '../models/model-registry.ts';
import { entrySize, profileEntries } from '../models/profile-pull.ts';
import { PullJobs, type PullJobEvent } from '../models/pull-jobs.ts';

export interface ModelAdminDeps {
  requireAdmin: preHandlerHookHandler;
  modelsDir: string;
  log: Logger;
  /** Progress events at most this often per file (ms). */
  progressIntervalMs?: number;
}

const PullBody = z.union([z.object({ profile: z.string().min(1) }).strict(), z.object({ model: z.string().min(1) }).strict()]);

const modelView = (e: ModelEntry, modelsDir: string) => {
  const size = entrySize(e);
  return { name: e.name, kind: e.kind, description: e.description, installed: isInstalled(e, modelsDir), bytes: size.bytes, exact_size: size.exact, command: `npm run models -- pull ${e.name}` };
};

/**
 * The admin panel's "Get a model" card:
 * - `GET /admin/models`: profiles (command, size, models and whether each is installed) and the last pull;
 * - `POST /admin/models/pull {profile}|{model}`: starts a pull (202), 409 while one runs;
 * - `DELETE /admin/models/pull`: cancels it (the part file stays; the next pull resumes);
 * - `GET /admin/models/pull/events`: Server-Sent Events — `snapshot`, then `progress` per file
 *   (bytes, total, rate, ETA) and `end` with the outcome and any error.
 */
export function registerModelAdminRoutes(app: FastifyInstance, deps: ModelAdminDeps): PullJobs {
  const registry = (): ModelRegistry => loadRegistry(registryFile());
  const jobs = new PullJobs({ modelsDir: deps.modelsDir, registry, log: deps.log, ...(deps.progressIntervalMs !== undefined ? { intervalMs: deps.progressIntervalMs } : {}) });
  const streams = new Set<() => void>();
  // Event streams never go idle: end them before the server waits for its connections.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.addHook('onClose', async () => jobs.dispose());

  app.get('/admin/models', { preHandler: deps.requireAdmin }, async () => {
    const reg = registry();
    return {
      models_dir: deps.modelsDir,
      profiles: Object.entries(reg.profiles).map(([id, p]) => {
        const models = profileEntries(reg, id).map((e) => modelView(e, deps.modelsDir));
        return { id, description: p.description, command: `npm run models -- pull --profile ${id}`, apply_command: `npm run models -- pull --profile ${id} --apply`, bytes: models.reduce((s, m) => s + m.bytes, 0), installed: models.every((m) => m.installed), models };
      }),
      job: jobs.current() ?? null,
    };
  });

  app.post('/admin/models/pull', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const parsed = PullBody.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ error: { code: 'BAD_MESSAGE', message: 'body: expected {"profile": "<id>"} or {"model": "<name>"}' } });
    if (jobs.running) return reply.code(409).send({ error: { code: 'BUSY', message: `a pull is already running (job ${jobs.current()?.id})` } });
    try {
      return reply.code(202).send({ job: jobs.start(parsed.data) });
    } catch (err) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: (err as Error).message } });
    }
  });

  app.delete('/admin/models/pull', { preHandler: deps.requireAdmin }, async () => ({ cancelled: jobs.cancel() }));

  app.get('/admin/models/pull/events', { preHandler: deps.requireAdmin }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('snapshot', { job: jobs.current() ?? null });
    const off = jobs.subscribe((e: PullJobEvent) => (e.type === 'progress' ? send('progress', e) : send('end', e.job)));
    // A comment line keeps proxies from closing an idle stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    const close = (): void => {
      clearInterval(heartbeat);
      off();
      streams.delete(end);
    };
    const end = (): void => {
      close();
      res.end();
    };
    streams.add(end);
    req.raw.on('close', close);
  });
  return jobs;
}
