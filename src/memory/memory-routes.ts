import type { FastifyInstance, FastifyReply, preHandlerHookHandler } from 'fastify';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { EngineError } from '../core/errors.ts';
import { PerIpLimiter } from '../server/per-ip-limiter.ts';
import type { Consolidator } from './consolidator.ts';
import { ImportError, parseDocument, validateImport } from './memory-import.ts';
import { ImportItemSchema, itemFromImport, itemToExport, MEMORY_KINDS, type MemoryItem } from './memory-item.ts';
import type { MemoryService, SearchFilter } from './memory-service.ts';

export interface MemoryRouteDeps {
  memory: MemoryService;
  consolidator: Consolidator;
  requireAdmin: preHandlerHookHandler;
}

const FilterSchema = z.object({
  user: z.string().max(200).optional(),
  kind: z.enum(MEMORY_KINDS).optional(),
  scope: z.enum(['long', 'session']).optional(),
  source: z.string().max(100).optional(),
  /** Whose memories: default the active character's, `*` every character's. */
  character: z.string().max(64).optional(),
});

/** The filter with its character resolved: the active one unless named, none for `*`. */
function scoped(filter: z.infer<typeof FilterSchema>, active: string): SearchFilter {
  const { character, ...rest } = filter;
  return { ...rest, ...(character === '*' ? {} : { character: character ?? active }) } as SearchFilter;
}

function badRequest(reply: FastifyReply, err: z.ZodError): FastifyReply {
  const first = err.issues[0];
  return reply.code(400).send({ error: { code: 'BAD_MESSAGE', message: `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}` } });
}

function sendImportError(reply: FastifyReply, err: ImportError): FastifyReply {
  const first = err.issues[0];
  return reply.code(err.status).send({ error: { code: err.code, message: err.message, index: first?.index ?? null, field: first?.field ?? null, issues: err.issues } });
}

/** Memory imports one client address may have in flight; more get 429 with Retry-After. */
export const IMPORTS_PER_IP = 1;

/** `/admin/memory/*`: search, import/export, edit, consolidate, prune, core blocks. */
export function registerMemoryRoutes(app: FastifyInstance, deps: MemoryRouteDeps): void {
  const { memory, consolidator } = deps;
  const limits = memory.cfg.import;
  // Import bodies are parsed here (not by fastify) so errors can name the item and field.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'], { parseAs: 'string', bodyLimit: limits.max_bytes }, (_req, body, done) => done(null, body));
  const pre = { preHandler: deps.requireAdmin };
  const imports = new PerIpLimiter(IMPORTS_PER_IP, 'POST /admin/memory/import');
  const jsonBody = (body: unknown): unknown => {
    if (typeof body !== 'string') return body;
    try {
      return body.trim() ? (JSON.parse(body) as unknown) : {};
    } catch {
      throw new EngineError('BAD_JSON', 'request body is not valid JSON');
    }
  };

  app.get('/admin/memory/search', pre, async (req, reply) => {
    const q = z.object({ q: z.string().max(2000).default(''), k: z.coerce.number().int().min(1).max(100).default(10) }).extend(FilterSchema.shape).safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const { q: text, k, ...filter } = q.data;
    const items = await memory.search(text, k, scoped(filter, memory.character));
    return { items: items.map((i) => ({ ...itemToExport(i), ...(i.similarity !== undefined ? { similarity: i.similarity, score: i.score } : {}) })) };
  });

  app.get('/admin/memory/export', pre, async (req, reply) => {
    const q = FilterSchema.extend({ format: z.enum(['json', 'yaml']).default('json') }).safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const { format, ...filter } = q.data;
    const doc = { version: 1, items: (await memory.list(scoped(filter, memory.character))).map(itemToExport) };
    void reply.header('content-disposition', `attachment; filename="memory-export.${format}"`);
    if (format === 'yaml') return reply.type('application/yaml').send(toYaml(doc));
    return doc;
  });

  app.post('/admin/memory/import', pre, async (req, reply) => {
    const release = imports.acquire(req, reply);
    try {
      return await importBody(req.body, req.headers['content-type'] ?? '', reply);
    } finally {
      release();
    }
  });
  const importBody = async (body: unknown, contentType: string, reply: FastifyReply): Promise<FastifyReply> => {
    let items: MemoryItem[];
    try {
      const doc = typeof body === 'string' ? parseDocument(body, contentType) : body;
      items = validateImport(doc, { maxItems: limits.max_items, maxTextChars: limits.max_text_chars }, Date.now(), memory.sessionTtlMs);
    } catch (err) {
      if (err instanceof ImportError) return sendImportError(reply, err);
      throw err;
    }
    memory.write(items);
    memory.db.audit('admin', 'memory.import', `${items.length} items`, { ids: items.slice(0, 50).map((i) => i.id) });
    memory.beginImport(items.length);
    const settled = await memory.settle(30_000).finally(() => memory.endImport());
    return reply.code(settled ? 200 : 202).send({ imported: items.length, pending: memory.db.pendingItems(), stored: settled });
  };

  app.put<{ Params: { id: string } }>('/admin/memory/:id', pre, async (req, reply) => {
    const previous = await memory.getById(req.params.id);
    if (!previous) throw new EngineError('NOT_FOUND', `no memory ${req.params.id}`);
    const body = jsonBody(req.body) as Record<string, unknown>;
    const merged = { id: previous.id, text: body.text ?? previous.text, metadata: { ...itemToExport(previous).metadata, ...(typeof body.metadata === 'object' && body.metadata ? body.metadata : {}), updated_at: Date.now() } };
    const parsed = ImportItemSchema.safeParse(merged);
    if (!parsed.success) return badRequest(reply, parsed.error);
    const item = itemFromImport(parsed.data, Date.now(), memory.sessionTtlMs);
    memory.replace(item, previous);
    memory.db.audit('admin', 'memory.update', item.id, { before: itemToExport(previous), after: itemToExport(item) });
    await memory.settle(10_000);
    return itemToExport(item);
  });

  app.delete<{ Params: { id: string } }>('/admin/memory/:id', pre, async (req) => {
    const previous = await memory.getById(req.params.id);
    if (!previous) throw new EngineError('NOT_FOUND', `no memory ${req.params.id}`);
    memory.remove([previous.id]);
    memory.db.audit('admin', 'memory.delete', previous.id, { before: itemToExport(previous) });
    await memory.settle(10_000);
    return { deleted: previous.id };
  });

  // Forget one viewer's memories (DELETE /admin/relationships/:userId also does this, with their rows).
  app.delete<{ Params: { userId: string } }>('/admin/memory/user/:userId', pre, async (req) => {
    memory.forgetUser(req.params.userId);
    const stored = await memory.settle(10_000);
    return { forgotten: req.params.userId, stored };
  });

  app.post('/admin/memory/consolidate', pre, async () => consolidator.run('admin'));

  app.post('/admin/memory/prune', pre, async (req, reply) => {
    const parsed = z.object({ older_than_days: z.number().positive().optional(), max_importance: z.number().min(0).max(1).optional() }).strict().safeParse(jsonBody(req.body ?? {}));
    if (!parsed.success) return badRequest(reply, parsed.error);
    return consolidator.prune('admin', {
      ...(parsed.data.older_than_days !== undefined ? { olderThanDays: parsed.data.older_than_days } : {}),
      ...(parsed.data.max_importance !== undefined ? { maxImportance: parsed.data.max_importance } : {}),
    });
  });

  app.get('/admin/memory/core', pre, async () => ({ character: memory.character, blocks: memory.db.getBlocks() }));

  app.put<{ Params: { scope: string; key: string } }>('/admin/memory/core/:scope/:key', pre, async (req, reply) => {
    const scope = z.enum(['character', 'viewer']).safeParse(req.params.scope);
    if (!scope.success) return badRequest(reply, scope.error);
    const body = z.object({ text: z.string().max(4000) }).strict().safeParse(jsonBody(req.body));
    if (!body.success) return badRequest(reply, body.error);
    const before = memory.db.getBlock(scope.data, req.params.key);
    memory.db.setBlock(scope.data, req.params.key, body.data.text);
    memory.db.audit('admin', 'memory.core_block_set', `${scope.data}:${req.params.key}`, { before: before?.text ?? null, after: body.data.text });
    return memory.db.getBlock(scope.data, req.params.key);
  });

  app.delete<{ Params: { scope: string; key: string } }>('/admin/memory/core/:scope/:key', pre, async (req, reply) => {
    const scope = z.enum(['character', 'viewer']).safeParse(req.params.scope);
    if (!scope.success) return badRequest(reply, scope.error);
    const before = memory.db.getBlock(scope.data, req.params.key);
    if (!before) throw new EngineError('NOT_FOUND', 'no such core block');
    memory.db.deleteBlock(scope.data, req.params.key);
    memory.db.audit('admin', 'memory.core_block_delete', `${scope.data}:${req.params.key}`, { before: before.text });
    return { deleted: true };
  });

  app.get('/admin/memory/audit', pre, async (req) => {
    const limit = z.coerce.number().int().min(1).max(1000).default(100).safeParse((req.query as Record<string, unknown>).limit);
    return { entries: memory.db.auditLog(limit.success ? limit.data : 100) };
  });
}
