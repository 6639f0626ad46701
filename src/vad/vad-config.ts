import { z } from 'zod';

/** The `vad` block of conf.yaml: Silero voice activity detection on microphone audio. */
export const VadConfigSchema = z
  .object({
    /** Listen to microphone audio at all. */
    enabled: z.boolean().default(true),
    /** Path to silero_vad.onnx (absolute or relative to VTUBER_MODELS_DIR); empty = search the usual places. */
    model: z.string().default(''),
    /** Speech probability above which a window counts as speech. */
    threshold: z.number().min(0.05).max(0.95).default(0.5),
    /** Speech shorter than this is ignored (coughs, clicks), in ms. Also delays speech_start by about this much. */
    min_speech_ms: z.number().int().min(32).max(2000).default(250),
    /** End-of-turn hangover: silence this long ends a segment, in ms. */
    min_silence_ms: z.number().int().min(64).max(3000).default(300),
    /**
     * Quiet this long (30 dB under the utterance's peak) reports a tentative end, so ASR and the LLM
     * start before the hangover confirms it (their work is dropped if the voice comes back), in ms.
     * 0 turns it off; a value at or above min_silence_ms has no effect.
     */
    pause_ms: z.number().int().min(0).max(3000).default(96),
    /** Audio kept before the detected start and handed to ASR with the segment, in ms. */
    pre_roll_ms: z.number().int().min(0).max(1000).default(200),
    /** A segment longer than this is cut, in seconds. */
    max_speech_s: z.number().min(1).max(60).default(20),
    /** ONNX runtime threads per stream. */
    num_threads: z.number().int().min(1).max(8).default(1),
    /** Most microphone streams (clients sending audio) handled at once. */
    max_streams: z.number().int().min(1).max(32).default(4),
    /**
     * Microphone audio buffered per client while its voice session catches up, in ms. When it is
     * full the oldest audio is dropped (counted in /admin/status under stages.voice). Clients such
     * as Open-LLM-VTuber's page send a whole utterance at once, so keep it above max_speech_s.
     */
    ring_ms: z.number().int().min(100).max(120_000).default(20_000),
  })
  .strict();

export type VadConfig = z.infer<typeof VadConfigSchema>;
