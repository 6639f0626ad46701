import { mkdirSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config-schema.ts';
import { loadModelCatalog, resolveCharacterModel, USER_MODELS_PREFIX } from '../live2d/model-resolver.ts';

export interface CharacterRouteDeps {
  /** The current config (it changes when the character is switched at runtime). */
  config: () => Readonly<Config>;
  log: Logger;
  version: string;
  /** frontend/dist (holds live2d-models/model_dict.json). */
  frontendDir: string;
  dataDir: string;
}

/**
 * `GET /api/character`: who the page shows and with which Live2D model (the model_dict entry with the
 * character's adjustments). `GET /api/frontend-config`: page settings (build version, log ingest).
 * `DATA_DIR/live2d-models/` is served under `/user-models/` so users can drop their own models there.
 */
export async function registerCharacterRoutes(app: FastifyInstance, deps: CharacterRouteDeps): Promise<void> {
  const userDir = path.join(deps.dataDir, 'live2d-models');
  mkdirSync(userDir, { recursive: true });
  await app.register(fastifyStatic, { root: userDir, prefix: USER_MODELS_PREFIX, decorateReply: false, wildcard: true, index: false });
  const builtinDict = path.join(deps.frontendDir, 'live2d-models', 'model_dict.json');
  app.get('/api/character', async () => {
    const config = deps.config();
    const character = config.character;
    // Read on each request: users add models without restarting the daemon.
    const catalog = loadModelCatalog(builtinDict, userDir);
    for (const problem of catalog.problems) deps.log.warn({ event: 'live2d.model_dict_invalid', problem }, 'model_dict problem');
    const { model, fallback } = resolveCharacterModel(catalog, character.live2d, character.avatar, deps.log);
    return {
      name: config.active_character,
      displayName: character.display_name,
      language: character.language,
      avatar: character.avatar,
      live2d: model ?? null,
      live2dFallback: fallback,
      models: catalog.models.map((m) => ({ name: m.name, source: m.source })),
      problems: catalog.problems,
    };
  });

  app.get('/api/frontend-config', async () => {
    const config = deps.config();
    const ingest = config.frontend.log_ingest;
    return { version: deps.version, language: config.frontend.language || config.character.language, logIngest: { enabled: ingest.enabled, maxBatch: ingest.max_batch } };
  });
}
