import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Logger } from 'pino';
import type { CharacterSwitcher } from '../characters/character-switcher.ts';
import { listCharacters, type CatalogPaths } from '../config/character-catalog.ts';
import { ConfigError } from '../config/config-error.ts';
import { createCard, deleteCard, readCard, updateCard, type CardChange } from '../characters/character-cards.ts';
import { isPlainObject } from '../config/yaml-source.ts';

export interface CharacterAdminDeps {
  requireAdmin: preHandlerHookHandler;
  paths: CatalogPaths;
  switcher: CharacterSwitcher;
  log: Logger;
}

type Reply = { code(status: number): { send(body: unknown): unknown } };

/** ConfigError → 422 with the issues (file:line, key path); anything else goes to the app's error handler (coded errors → their HTTP status). */
function refuse(reply: Reply, err: unknown): unknown {
  if (err instanceof ConfigError) return reply.code(422).send({ error: { code: 'CONFIG_INVALID', message: err.message, issues: err.issues } });
  throw err;
}

/** `{yaml}` or `{card}` from a request body, or a message saying what is wrong. */
function cardChange(body: Record<string, unknown>): CardChange | string {
  const { yaml, card } = body;
  if (yaml !== undefined && typeof yaml !== 'string') return 'body.yaml: expected the whole file as a string';
  if (yaml !== undefined && yaml.length > 200_000) return 'body.yaml: at most 200000 characters';
  if (card !== undefined && !isPlainObject(card)) return 'body.card: expected an object of character keys';
  return { ...(yaml !== undefined ? { yaml } : {}), ...(card !== undefined ? { card } : {}) };
}

/**
 * `GET /admin/characters`: every character file with its validity (a broken one with `file:line` errors).
 * `POST /admin/characters/active {name, queue}`: switches the running daemon to another character. The
 * file is validated and every stage prepares first; only a switch known to work ends the running turn,
 * keeps or clears the queue and writes `active_character` to conf.yaml (with `conf.yaml.backup`).
 */
export function registerCharacterAdminRoutes(app: FastifyInstance, deps: CharacterAdminDeps): void {
  app.get('/admin/characters', { preHandler: deps.requireAdmin }, async () => ({ active: deps.switcher.active, characters: listCharacters(deps.paths) }));

  app.post('/admin/characters/active', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = body.name;
    const queue = body.queue ?? 'keep';
    if (typeof name !== 'string' || name.length === 0) return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'body.name: a character name (string) is required' } });
    if (queue !== 'keep' && queue !== 'clear') return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'body.queue: expected "keep" or "clear"' } });
    try {
      return await deps.switcher.switch({ name, queue });
    } catch (err) {
      if (err instanceof ConfigError) deps.log.warn({ event: 'character.switch_refused', character: name }, 'character switch refused: invalid file');
      return refuse(reply, err);
    }
  });

  app.get('/admin/characters/:name', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const { name } = req.params as { name: string };
    try {
      return { ...readCard(deps.paths, name), active: name === deps.switcher.active };
    } catch (err) {
      return refuse(reply, err);
    }
  });

  app.post('/admin/characters', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const body = (isPlainObject(req.body) ? req.body : {}) as Record<string, unknown>;
    const { name, from } = body;
    if (typeof name !== 'string') return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'body.name: a character name (string) is required' } });
    if (from !== undefined && typeof from !== 'string') return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'body.from: the name of the character to duplicate' } });
    const change = cardChange(body);
    if (typeof change === 'string') return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: change } });
    try {
      const card = createCard(deps.paths, name, change, from);
      deps.log.info({ event: 'character.card_created', character: name, from }, 'character card created');
      return reply.code(201).send(card);
    } catch (err) {
      return refuse(reply, err);
    }
  });

  app.put('/admin/characters/:name', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const change = cardChange((isPlainObject(req.body) ? req.body : {}) as Record<string, unknown>);
    if (typeof change === 'string') return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: change } });
    try {
      const card = updateCard(deps.paths, name, change);
      const active = name === deps.switcher.active;
      deps.log.info({ event: 'character.card_updated', character: name, active }, 'character card updated');
      // The running character keeps its bound config until it is switched to again (the admin panel offers it).
      return { ...card, active, applies: active ? 'on the next switch to it' : 'when switched to' };
    } catch (err) {
      return refuse(reply, err);
    }
  });

  app.delete('/admin/characters/:name', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const { name } = req.params as { name: string };
    try {
      const result = deleteCard(deps.paths, name, deps.switcher.active);
      deps.log.info({ event: 'character.card_deleted', character: name }, 'character card deleted');
      return { deleted: name, deleted_as: result.deletedAs };
    } catch (err) {
      return refuse(reply, err);
    }
  });
}
