import { z } from 'zod';

/**
 * The character's `llm` block: an ordered provider chain (the first that answers wins) and the
 * sampling settings every provider uses. API keys never live in conf.yaml: `api_key_env` names the
 * environment variable (or .env entry) that holds the key.
 */
const OpenAiProviderSchema = z
  .object({
    type: z.literal('openai'),
    /** Unique name in the chain (status, logs); default `openai:<model>`. */
    id: z.string().min(1).optional(),
    /** Base URL up to and including /v1. */
    base_url: z.url().default('http://127.0.0.1:11434/v1'),
    /** Name of the environment variable holding the API key; empty for local servers without one. */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. OPENAI_API_KEY')
      .or(z.literal(''))
      .default(''),
    model: z.string().min(1).default('qwen2.5:3b'),
    /** Until the server answers the request (response headers), ms. */
    connect_timeout_ms: z.number().int().min(50).default(3000),
    /** From the request until the first token, ms; past it the next provider is tried. */
    first_token_timeout_ms: z.number().int().min(50).default(8000),
    /** Longest pause between tokens once streaming, ms. */
    idle_timeout_ms: z.number().int().min(50).default(15000),
    /** Send tool definitions (function calling) to this server. */
    supports_tools: z.boolean().default(true),
    /** The model's chat template opens a <think> block itself (e.g. DeepSeek-R1 distills): hide until </think>. */
    starts_in_think: z.boolean().default(false),
    /** Extra HTTP headers, e.g. OpenRouter's HTTP-Referer and X-Title. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Extra JSON fields sent with every request (server-specific options). */
    extra_body: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

const LlamaCppProviderSchema = z
  .object({
    type: z.literal('llama_cpp'),
    /** Unique name in the chain; default `llama:<file name>`. */
    id: z.string().min(1).optional(),
    /** GGUF file; relative paths are resolved against VTUBER_MODELS_DIR. */
    model_path: z.string().min(1).default('qwen2.5-1.5b-instruct-q4_k_m/qwen2.5-1.5b-instruct-q4_k_m.gguf'),
    /** CPU threads for generation; 0 lets node-llama-cpp choose. */
    threads: z.number().int().min(0).default(0),
    /** Context window in tokens (prompt + history + reply). */
    context_size: z.number().int().min(128).default(4096),
    /** Offload layers to the GPU when one is available. */
    gpu: z.boolean().default(false),
    /** Expose tools to the model through node-llama-cpp's function calling. */
    supports_tools: z.boolean().default(true),
    /** Chain limit for the first token (prefill of a long prompt on a CPU can take a while), ms. */
    first_token_timeout_ms: z.number().int().min(50).default(20000),
  })
  .strict();

export const LlmProviderConfigSchema = z.discriminatedUnion('type', [OpenAiProviderSchema, LlamaCppProviderSchema]);

export const SamplingConfigSchema = z
  .object({
    temperature: z.number().min(0).max(2).default(0.8),
    top_p: z.number().gt(0).max(1).default(0.95),
    /** OpenAI-style penalties, -2..2. */
    frequency_penalty: z.number().min(-2).max(2).default(0.2),
    presence_penalty: z.number().min(-2).max(2).default(0.1),
    /** llama.cpp-style multiplicative repeat penalty (1 = off), used by llama_cpp providers; OpenAI-style servers get the penalties above. */
    repeat_penalty: z.number().min(0.5).max(2).default(1.1),
    max_tokens: z.number().int().min(1).max(32768).default(200),
    /** Generation stops at any of these strings. */
    stop: z.array(z.string().min(1)).max(8).default([]),
  })
  .strict();

export const LlmConfigSchema = z
  .object({
    providers: z
      .array(LlmProviderConfigSchema)
      .default([
        { type: 'llama_cpp', model_path: 'qwen2.5-1.5b-instruct-q4_k_m/qwen2.5-1.5b-instruct-q4_k_m.gguf', threads: 0, context_size: 4096, gpu: false, supports_tools: true, first_token_timeout_ms: 20000 },
        {
          type: 'openai',
          base_url: 'http://127.0.0.1:11434/v1',
          api_key_env: '',
          model: 'qwen2.5:3b',
          connect_timeout_ms: 3000,
          first_token_timeout_ms: 8000,
          idle_timeout_ms: 15000,
          supports_tools: true,
          starts_in_think: false,
          headers: {},
          extra_body: {},
        },
      ]),
    fallback: z
      .object({
        /** Consecutive failures after which a provider is skipped for `cooldown_ms`. */
        failures_before_cooldown: z.number().int().min(1).default(2),
        cooldown_ms: z.number().int().min(0).default(30000),
      })
      .strict()
      .prefault({}),
    /** Local servers probed on start and whenever no provider answers; the first chat model found is used. */
    discovery: z
      .object({
        enabled: z.boolean().default(true),
        /** Ollama: GET <url>/api/tags lists models; chat goes to <url>/v1/chat/completions. */
        ollama_url: z.url().default('http://127.0.0.1:11434'),
        /** LM Studio: GET <url>/v1/models lists models; chat goes to <url>/v1/chat/completions. */
        lmstudio_url: z.url().default('http://127.0.0.1:1234'),
        /** Per probe, ms. */
        timeout_ms: z.number().int().min(50).default(800),
      })
      .strict()
      .prefault({}),
    sampling: SamplingConfigSchema.prefault({}),
  })
  .strict();

export type LlmProviderConfig = z.infer<typeof LlmProviderConfigSchema>;
export type LlmConfig = z.infer<typeof LlmConfigSchema>;
export type SamplingConfig = z.infer<typeof SamplingConfigSchema>;
