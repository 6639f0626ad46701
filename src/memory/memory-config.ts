import { z } from 'zod';

const BackoffSchema = z
  .object({
    /** First restart delay after Chroma stops answering, in ms. */
    initial_ms: z.number().int().min(50).default(500),
    /** Longest restart delay, in ms. */
    max_ms: z.number().int().min(100).default(30_000),
  })
  .strict();

export const MemoryConfigSchema = z
  .object({
    /** Off: no Chroma, no recall, no memory writes; the rest of the engine runs unchanged. */
    enabled: z.boolean().default(true),
    chroma: z
      .object({
        /** embedded: the daemon runs `chroma run` from node_modules; remote: use `url`. */
        mode: z.enum(['embedded', 'remote']).default('embedded'),
        /** Chroma server URL in remote mode, e.g. http://chroma.lan:8000. */
        url: z.string().url().default('http://127.0.0.1:8000'),
        /** Embedded mode port on 127.0.0.1; 0 picks a free port. */
        port: z.number().int().min(0).max(65535).default(0),
        /** Heartbeat interval, in ms. */
        health_interval_ms: z.number().int().min(100).default(2000),
        /** How long a (re)started embedded server may take to answer its first heartbeat, in ms. */
        startup_timeout_ms: z.number().int().min(500).default(20_000),
        restart_backoff: BackoffSchema.prefault({}),
        /** Collection names start with this (`<prefix>_long`, `<prefix>_session`). */
        collection_prefix: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/).default('vtuber_memory'),
      })
      .strict()
      .prefault({}),
    embedder: z
      .object({
        /**
         * auto: llama when the catalogue's embedding GGUF (or `model_file`) is in the models folder, else hashed;
         * hashed: built-in, offline, lexical (word + character n-grams); llama: a GGUF embedding model; openai: /v1/embeddings.
         */
        type: z.enum(['auto', 'hashed', 'llama', 'openai']).default('auto'),
        /** Vector size of the hashed embedder. */
        dimensions: z.number().int().min(32).max(4096).default(384),
        /** llama (and auto): GGUF file name (or path) under the models directory; auto defaults to the catalogue's embedder. */
        model_file: z.string().default(''),
        /** openai: base URL of an OpenAI-compatible server (…/v1). */
        url: z.string().default('http://127.0.0.1:11434/v1'),
        /** openai: model name sent in the request. */
        model: z.string().default('nomic-embed-text'),
        /** openai: environment variable holding the API key (empty = no key). */
        api_key_env: z.string().default(''),
        /** Timeout of one embedding request, in ms. */
        timeout_ms: z.number().int().min(100).default(10_000),
        /** When the stored collections were embedded by another embedder: reembed them, or refuse to start. A switch made by `auto` always re-embeds. */
        on_change: z.enum(['reembed', 'refuse']).default('refuse'),
      })
      .strict()
      .prefault({}),
    recall: z
      .object({
        /** Memories given to the prompt per reply. */
        top_k: z.number().int().min(1).max(50).default(5),
        /** Nearest neighbours fetched per collection before re-ranking. */
        candidates: z.number().int().min(1).max(200).default(20),
        /** The prompt never waits longer than this for memories, in ms. */
        timeout_ms: z.number().int().min(10).default(250),
        /** Candidates less similar than this (0..1) are dropped. */
        min_similarity: z.number().min(0).max(1).default(0.2),
        /** Re-ranking weights. */
        weight_similarity: z.number().min(0).default(0.6),
        weight_importance: z.number().min(0).default(0.25),
        weight_recency: z.number().min(0).default(0.15),
        /** Recency score halves every this many days. */
        recency_half_life_days: z.number().positive().default(30),
      })
      .strict()
      .prefault({}),
    write: z
      .object({
        /** Write memories automatically after each turn. */
        auto: z.boolean().default(true),
        /** Turns scored below this (0..1) are not kept long-term (they may still go to the session). */
        min_importance: z.number().min(0).max(1).default(0.35),
      })
      .strict()
      .prefault({}),
    session: z
      .object({
        /** Session (short-term) memories expire after this many minutes. */
        ttl_minutes: z.number().positive().default(240),
        /** TTL sweep interval, in ms. */
        sweep_interval_ms: z.number().int().min(1000).default(60_000),
      })
      .strict()
      .prefault({}),
    consolidation: z
      .object({
        /** Merge session memories into long-term facts every this many minutes (0 = only on demand). */
        interval_minutes: z.number().min(0).default(30),
        /** Session items younger than this are part of the active conversation and left alone. */
        min_age_minutes: z.number().min(0).default(10),
        /** Optional OpenAI-compatible chat URL (…/v1) used to summarize; empty = extractive. */
        llm_url: z.string().default(''),
        llm_model: z.string().default(''),
        llm_timeout_ms: z.number().int().min(100).default(20_000),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        /** Writes waiting for Chroma (persisted in DATA_DIR/memory.sqlite); beyond this, new writes are refused. */
        max_items: z.number().int().min(10).default(50_000),
        /** Retry interval while Chroma is up but writes fail, in ms. */
        retry_ms: z.number().int().min(50).default(2000),
      })
      .strict()
      .prefault({}),
    import: z
      .object({
        /** Largest import body, in bytes. */
        max_bytes: z.number().int().min(1024).default(8 * 1024 * 1024),
        /** Most items per import. */
        max_items: z.number().int().min(1).default(10_000),
        /** Longest item text, in characters. */
        max_text_chars: z.number().int().min(16).default(4000),
      })
      .strict()
      .prefault({}),
    /** On start, import characters/<active_character>.memory.yaml once (again when the file changes). */
    seed_on_start: z.boolean().default(true),
  })
  .strict();

export type MemoryConfig = z.infer<typeof MemoryConfigSchema>;
