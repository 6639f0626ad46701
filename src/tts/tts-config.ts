import { z } from 'zod';

/** Root `tts` block: how the TTS task manager and its engines run (the voice itself is per character). */
export const TtsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Segments synthesized at the same time (delivery stays strictly in order). */
    concurrency: z.number().int().min(1).max(8).default(2),
    /** An engine that gives no audio within this many ms hands the segment to the next engine. */
    first_audio_timeout_ms: z.number().int().min(50).max(60_000).default(2500),
    /** An engine whose stream stops for this long mid-segment is cut off. */
    stall_timeout_ms: z.number().int().min(100).max(60_000).default(5000),
    /** Consecutive failures after which an engine is skipped for `cooldown_ms`. */
    failures_before_cooldown: z.number().int().min(1).max(100).default(2),
    cooldown_ms: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Cached syntheses (by engine, voice, prosody, text); 0 turns the cache off. */
    cache_entries: z.number().int().min(0).max(10_000).default(64),
    /** Longest audio kept in the cache per entry, in seconds. */
    cache_max_seconds: z.number().min(0).max(120).default(20),
    /** The same sentence within this many ms is not spoken again; 0 turns it off. */
    anti_repeat_window_ms: z.number().int().min(0).max(3_600_000).default(20_000),
    /** Largest audio chunk sent to clients, in ms. */
    chunk_ms: z.number().int().min(20).max(2000).default(200),
    edge: z
      .object({
        /** MP3 decoder: `auto` decodes in process (mpg123 WASM, no system package); `ffmpeg`, `mpg123`, or a command line reading MP3 on stdin and writing s16le 24 kHz mono. */
        decoder: z.string().default('auto'),
      })
      .strict()
      .prefault({}),
    sherpa: z.object({ num_threads: z.number().int().min(1).max(16).default(1) }).strict().prefault({}),
    espeak: z.object({ command: z.string().min(1).default('espeak-ng') }).strict().prefault({}),
  })
  .strict();

export type TtsConfig = z.infer<typeof TtsConfigSchema>;
