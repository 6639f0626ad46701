import type { MemoryConfig } from '../memory-config.ts';
import type { Embedder } from './embedder.ts';
import { HashedEmbedder } from './hashed-embedder.ts';
import { LlamaEmbedder } from './llama-embedder.ts';
import { OpenAiEmbedder } from './openai-embedder.ts';

/** Builds the embedder for a resolved config (`auto` is resolved first by chooseEmbedder). */
export function createEmbedder(cfg: MemoryConfig['embedder'] & { type: 'hashed' | 'llama' | 'openai' }, modelsDir: string, env: NodeJS.ProcessEnv = process.env): Embedder {
  switch (cfg.type) {
    case 'hashed':
      return new HashedEmbedder(cfg.dimensions);
    case 'llama':
      return new LlamaEmbedder(cfg.model_file, modelsDir);
    case 'openai': {
      const apiKey = cfg.api_key_env ? env[cfg.api_key_env] : undefined;
      return new OpenAiEmbedder({ url: cfg.url, model: cfg.model, timeoutMs: cfg.timeout_ms, ...(apiKey ? { apiKey } : {}) });
    }
  }
}
