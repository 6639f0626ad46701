import { primaryLanguage } from '../config/language.ts';
import { loadRegistry, type ModelRegistry } from '../models/model-registry.ts';
import type { AsrConfig } from './asr-config.ts';

/** Engines that take a language hint (`asr.language`): whisper models and OpenAI-compatible servers. */
const HINTED_ENGINES = new Set(['whisper', 'remote']);

/**
 * The registry's model for `engine` in `language`, if it lists one (e.g. zipformer-streaming + ru →
 * the Vosk Russian streaming zipformer; nemo-ctc + ru → GigaAM v2).
 */
export function registryAsrModel(engine: string, language: string, registry: ModelRegistry = loadRegistry()): string | undefined {
  const lang = primaryLanguage(language);
  return registry.models.find((m) => m.kind === 'asr' && m.engine === engine && (m.languages ?? []).includes(lang))?.name;
}

export interface ResolvedAsrConfig {
  config: AsrConfig;
  /** Which settings came from `character.language` rather than the asr block. */
  fromLanguage: Array<'model' | 'language'>;
}

/**
 * `asr` with the character's language filled in where the block leaves it open: an empty `model`
 * becomes the registry's model for the engine and language (else the engine's own default), and an
 * empty `language` hint becomes the character's language for engines that take one. Explicit
 * settings always win.
 */
export function asrConfigForLanguage(asr: AsrConfig, characterLanguage: string, registry?: ModelRegistry): ResolvedAsrConfig {
  const fromLanguage: ResolvedAsrConfig['fromLanguage'] = [];
  let model = asr.model;
  if (!model) {
    const picked = registryAsrModel(asr.engine, characterLanguage, registry);
    if (picked) {
      model = picked;
      fromLanguage.push('model');
    }
  }
  let language = asr.language;
  if (!language && HINTED_ENGINES.has(asr.engine) && primaryLanguage(characterLanguage)) {
    language = primaryLanguage(characterLanguage);
    fromLanguage.push('language');
  }
  return { config: Object.freeze({ ...asr, model, language }), fromLanguage };
}
