import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Live2dCharacterConfig } from './live2d-config.ts';
import { ModelDictSchema, type ModelDictEntry } from './model-dict.ts';

/** URL prefix under which DATA_DIR/live2d-models is served. */
export const USER_MODELS_PREFIX = '/user-models/';

export interface ResolvedModel extends ModelDictEntry {
  /** Where the entry came from. */
  source: 'builtin' | 'user';
}

export interface ModelCatalog {
  models: ResolvedModel[];
  /** Problems found while reading the dictionaries (shown in the admin panel and logged). */
  problems: string[];
}

function readDict(file: string, source: ResolvedModel['source'], problems: string[]): ResolvedModel[] {
  if (!existsSync(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${file}: not valid JSON (${(err as Error).message})`);
    return [];
  }
  const parsed = ModelDictSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    problems.push(`${file}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
    return [];
  }
  return parsed.data.map((e) => ({
    ...e,
    source,
    // User model URLs are relative to their dictionary folder, served under USER_MODELS_PREFIX.
    url: source === 'user' && !/^(https?:)?\//.test(e.url) ? `${USER_MODELS_PREFIX}${e.url.replace(/^\.\//, '')}` : e.url,
  }));
}

/** Reads the built-in and user model dictionaries; user entries replace built-in ones of the same name. */
export function loadModelCatalog(builtinDict: string, userDir: string): ModelCatalog {
  const problems: string[] = [];
  const byName = new Map<string, ResolvedModel>();
  for (const m of readDict(builtinDict, 'builtin', problems)) byName.set(m.name, m);
  for (const m of readDict(path.join(userDir, 'model_dict.json'), 'user', problems)) byName.set(m.name, m);
  return { models: [...byName.values()], problems };
}

/**
 * The model a character shows: its model_dict entry with the character's adjustments applied. The
 * character's `avatar` names it when set (a card picks its own model), else `live2d.model`. An unknown
 * name falls through to the next, then to the first model in the catalog (and says so), so the page
 * still shows someone.
 */
export function resolveCharacterModel(catalog: ModelCatalog, cfg: Live2dCharacterConfig, avatar = '', log?: Logger): { model: ResolvedModel | undefined; fallback: boolean } {
  const names = avatar ? [avatar, cfg.model] : [cfg.model];
  const byName = (name: string): ResolvedModel | undefined => catalog.models.find((m) => m.name === name);
  if (avatar && !byName(avatar)) log?.warn({ event: 'live2d.avatar_unknown', avatar, using: cfg.model }, 'character avatar not found in model_dict');
  const wanted = names.map(byName).find((m) => m !== undefined);
  const base = wanted ?? catalog.models[0];
  if (!wanted) log?.warn({ event: 'live2d.model_unknown', model: cfg.model, using: base?.name }, 'configured Live2D model not found in model_dict');
  if (!base) return { model: undefined, fallback: true };
  return {
    fallback: wanted === undefined || wanted.name !== names[0],
    model: {
      ...base,
      scale: base.scale * cfg.scale,
      offset_x: base.offset_x + cfg.offset_x,
      offset_y: base.offset_y + cfg.offset_y,
      emotion_map: { ...base.emotion_map, ...cfg.emotion_map },
    },
  };
}
