import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { listCharacters, persistActiveCharacter, validateCharacter, type CatalogPaths } from '../config/character-catalog.ts';
import { ConfigError } from '../config/config-error.ts';
import type { InputQueue } from '../core/input-queue.ts';
import type { TurnTracker } from '../core/turn-tracker.ts';

export interface CharacterAdminDeps {
  requireAdmin: preHandlerHookHandler;
  paths: CatalogPaths;
  input: InputQueue;
  turns: TurnTracker;
  log: Logger;
  /** The character the running daemon speaks as. */
  current: () => string;
}

/**
 * `GET /admin/characters`: every character file with its validity (a broken one with `file:line` errors).
 * `POST /admin/characters/active {name, queue}`: validates with the daemon's own schema, ends the running
 * turn through the interruption path, keeps or clears the queue, and writes `active_character` to conf.yaml
 * (with `conf.yaml.backup`). The new persona is bound when the daemon next starts (`restart_required`).
 */
export function registerCharacterAdminRoutes(app: FastifyInstance, deps: CharacterAdminDeps): void {
  app.get('/admin/characters', { preHandler: deps.requireAdmin }, async () => ({ active: deps.current(), characters: listCharacters(deps.paths) }));

  app.post('/admin/characters/active', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = body.name;
    const queue = body.queue ?? 'keep';
    if (typeof name !== 'string' || name.length === 0) return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'body.name: a character name (string) is required' } });
    if (queue !== 'keep' && queue !== 'clear') return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'body.queue: expected "keep" or "clear"' } });
    try {
      validateCharacter(deps.paths, name);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      deps.log.warn({ event: 'character.switch_refused', character: name }, 'character switch refused: invalid file');
      return reply.code(422).send({ error: { code: 'CONFIG_INVALID', message: err.message, issues: err.issues } });
    }
    const aborted = deps.turns.abortAll('interrupted');
    const cleared = queue === 'clear' ? deps.input.remove(() => true, 'superseded').length : 0;
    const { backupPath } = persistActiveCharacter(deps.paths.configPath, name);
    deps.log.info({ event: 'character.switched', character: name, aborted, cleared }, 'active character written to conf.yaml');
    return { active: name, aborted_turns: aborted, cleared_inputs: cleared, kept_inputs: deps.input.size, backup: backupPath, restart_required: name !== deps.current() };
  });
}
