import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ChainEntry, ChainSnapshot } from './provider-chain.ts';
import { ProviderChain } from './provider-chain.ts';
import type { LlmConfig, LlmProviderConfig, SamplingConfig } from './llm-config.ts';
import type { SamplingSettings } from './llm-types.ts';
import { LlamaCppProvider } from './llama-cpp.ts';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import { LocalModels } from './local-models.ts';

export interface ProviderChainFactoryOptions {
  /** Where API keys are read from (default process.env, which includes .env). */
  env?: NodeJS.ProcessEnv;
  onChange?: (snapshot: ChainSnapshot) => void;
  /** Keeps what local server discovery found (for the admin panel); default a private one. */
  local?: LocalModels;
}

/**
 * Builds the provider chain from the character's `llm` block. A llama_cpp provider whose GGUF file
 * is missing is left out and listed as unavailable in the snapshot; models load lazily (call
 * `chain.warmup()` to load them before the first turn).
 */
export function createProviderChain(config: LlmConfig, settings: { modelsDir: string }, log: Logger, opts: ProviderChainFactoryOptions = {}): ProviderChain {
  const env = opts.env ?? process.env;
  const entries: ChainEntry[] = [];
  const unavailable: Array<{ id: string; reason: string }> = [];
  const used = new Set<string>();
  for (const p of config.providers) {
    const id = uniqueId(p.id ?? defaultId(p), used);
    if (p.type === 'openai') {
      const apiKey = p.api_key_env ? env[p.api_key_env] : undefined;
      if (p.api_key_env && !apiKey) log.warn({ event: 'llm.api_key_missing', provider: id, env: p.api_key_env }, 'API key environment variable is not set');
      const provider = new OpenAiCompatibleProvider({
        id,
        baseUrl: p.base_url,
        ...(apiKey ? { apiKey } : {}),
        model: p.model,
        connectTimeoutMs: p.connect_timeout_ms,
        firstTokenTimeoutMs: p.first_token_timeout_ms,
        idleTimeoutMs: p.idle_timeout_ms,
        supportsTools: p.supports_tools,
        startInThink: p.starts_in_think,
        headers: p.headers,
        extraBody: p.extra_body,
        log: log.child({ provider: id }),
      });
      entries.push({ provider });
    } else {
      const modelPath = path.resolve(settings.modelsDir, p.model_path);
      if (!existsSync(modelPath)) {
        unavailable.push({ id, reason: `model file not found: ${p.model_path} (in VTUBER_MODELS_DIR)` });
        log.warn({ event: 'llm.model_missing', provider: id, path: modelPath }, 'local LLM model file not found; provider skipped');
        continue;
      }
      const provider = new LlamaCppProvider({ id, modelPath, threads: p.threads, contextSize: p.context_size, gpu: p.gpu, supportsTools: p.supports_tools, log: log.child({ provider: id }) });
      entries.push({ provider, firstTokenTimeoutMs: p.first_token_timeout_ms });
    }
  }
  const local = opts.local ?? new LocalModels(config.discovery, log);
  const chain = new ProviderChain(entries, {
    failuresBeforeCooldown: config.fallback.failures_before_cooldown,
    cooldownMs: config.fallback.cooldown_ms,
    unavailable,
    log,
    discover: () => local.discover(),
    ...(opts.onChange ? { onChange: opts.onChange } : {}),
  });
  local.attach(chain);
  return chain;
}

/** The character's sampling block in the seam's shape. */
export function samplingFromConfig(s: SamplingConfig): SamplingSettings {
  return {
    temperature: s.temperature,
    top_p: s.top_p,
    frequency_penalty: s.frequency_penalty,
    presence_penalty: s.presence_penalty,
    ...(s.repeat_penalty !== 1 ? { repeat_penalty: s.repeat_penalty } : {}),
    max_tokens: s.max_tokens,
    ...(s.stop.length > 0 ? { stop: [...s.stop] } : {}),
  };
}

function defaultId(p: LlmProviderConfig): string {
  return p.type === 'openai' ? `openai:${p.model}` : `llama:${path.basename(p.model_path).replace(/\.gguf$/i, '')}`;
}

function uniqueId(id: string, used: Set<string>): string {
  let out = id;
  for (let n = 2; used.has(out); n++) out = `${id}#${n}`;
  used.add(out);
  return out;
}
