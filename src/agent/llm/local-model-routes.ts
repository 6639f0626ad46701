import type { FastifyInstance, FastifyReply, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import type { LocalModels } from './local-models.ts';

const UseBody = z.object({ server: z.enum(['ollama', 'lmstudio']), model: z.string().min(1) }).strict();

const NOTE = 'lasts until the daemon restarts; to keep it, add this provider to character.llm.providers in conf.yaml';

function badRequest(reply: FastifyReply, field: string, message: string, models?: string[]): FastifyReply {
  return reply.code(400).send({ error: { code: 'BAD_MESSAGE', field, message, ...(models ? { models } : {}) } });
}

/** The field a zod issue is about: its path, or the unknown keys of the body. */
function issueField(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'body';
  if (issue.path.length > 0) return issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return 'body';
}

/**
 * The admin panel's "Found on this computer" list:
 * - `GET /admin/llm/local`: the local servers (Ollama, LM Studio) last found, their chat models, the one in use
 *   (`{available: false}` when the agent runs an LLM of its own);
 * - `POST /admin/llm/local/probe`: probes again ("look again");
 * - `POST /admin/llm/local-model {server, model}`: the chain's provider for that server runs that model
 *   from the next turn on, until restart; the answer carries the conf.yaml lines that keep it.
 */
export function registerLocalModelRoutes(app: FastifyInstance, requireAdmin: preHandlerHookHandler, local: () => LocalModels | undefined): void {
  const missing = (reply: FastifyReply): FastifyReply => reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'this agent does not use the provider chain, so it finds no local servers' } });

  // Without discovery (an agent on its own LLM) the list says so rather than 404, so the panel can hide it quietly.
  // A page opened while the start-up probe is still under way gets its result, not an empty list.
  app.get('/admin/llm/local', { preHandler: requireAdmin }, async () => (await local()?.settledView()) ?? { available: false });

  app.post('/admin/llm/local/probe', { preHandler: requireAdmin }, async (_req, reply) => {
    const l = local();
    return l ? l.refresh() : missing(reply);
  });

  app.post('/admin/llm/local-model', { preHandler: requireAdmin }, async (req, reply) => {
    const l = local();
    if (!l) return missing(reply);
    const parsed = UseBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issueField(issue);
      return badRequest(reply, field, `${field}: ${issue?.message ?? 'invalid'} (expected {"server": "ollama" | "lmstudio", "model": "<name>"})`);
    }
    const result = l.use(parsed.data.server, parsed.data.model);
    if (!result.ok) return badRequest(reply, result.field, result.message, result.models);
    const { ok: _ok, ...rest } = result;
    return { ...rest, note: NOTE };
  });
}
