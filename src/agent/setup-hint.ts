import type { LlmConfig } from './llm/llm-config.ts';

/**
 * What a user can do when no LLM answers: exact commands, URLs and config keys (never translated;
 * the page wraps them in its own language). The models profile follows the character's language.
 */
export function llmSetupFixes(language: string, llm: Pick<LlmConfig, 'discovery'>): string[] {
  const profile = language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
  return [
    `npm run models -- pull --profile ${profile}`,
    `ollama serve (${llm.discovery.ollama_url})`,
    `LM Studio server (${llm.discovery.lmstudio_url})`,
    'character.llm.providers in conf.yaml',
  ];
}
