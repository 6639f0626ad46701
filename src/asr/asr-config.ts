import { z } from 'zod';

/** The `asr` block of conf.yaml: speech recognition of what the VAD cut out. */
export const AsrConfigSchema = z
  .object({
    /**
     * Engine name from the registry: zipformer-streaming, nemo-ctc-streaming, whisper, sense-voice,
     * moonshine, paraformer, nemo-ctc, remote, or none.
     */
    engine: z.string().min(1).default('zipformer-streaming'),
    /** Model folder under VTUBER_MODELS_DIR (or an absolute path); empty = the engine's default model. */
    model: z.string().default(''),
    /** Language hint for multilingual models (whisper: en, de...; sense-voice: auto, en, zh...); empty = model default. */
    language: z.string().default(''),
    /** ONNX runtime threads for the recognizer. */
    num_threads: z.number().int().min(1).max(8).default(1),
    /** Use the int8-quantized model files when the model folder has them (faster on CPU). */
    prefer_int8: z.boolean().default(true),
    /** Send partial transcripts while the streamer speaks (streaming engines). */
    partials: z.boolean().default(true),
    /** Largest upload accepted by POST /asr, in bytes. */
    upload_max_bytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
    /** Longest audio POST /asr accepts, in seconds; longer uploads get 413 before any decoding. */
    upload_max_seconds: z.number().min(1).max(600).default(60),
    /** POST /asr requests one client address may have in flight; more get 429 with Retry-After. */
    upload_concurrency_per_ip: z.number().int().min(1).max(16).default(1),
    /**
     * Decode, resample and transcribe POST /asr uploads in a worker thread with its own copy of the
     * recognizer (built-in engines), so a long upload never blocks the daemon; costs one more model in memory.
     */
    upload_worker: z.boolean().default(true),
    remote: z
      .object({
        /** OpenAI-compatible base URL (OpenAI, Groq, a self-hosted whisper server). */
        base_url: z.string().url().default('https://api.openai.com/v1'),
        /** Environment variable that holds the API key (never put the key itself in this file). */
        api_key_env: z.string().default('OPENAI_API_KEY'),
        /** Model name sent with each request. */
        model: z.string().min(1).default('whisper-1'),
        /** Give up on a request after this many ms. */
        timeout_ms: z.number().int().min(500).max(120_000).default(15_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AsrConfig = z.infer<typeof AsrConfigSchema>;
