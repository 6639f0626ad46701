import { z } from 'zod';

/** The `agent` block of conf.yaml: how turns are scheduled, interrupted and remembered. */
export const AgentConfigSchema = z
  .object({
    /** Input kinds whose arrival interrupts a running turn (the streamer talking over the character). */
    preempt_kinds: z.array(z.enum(['voice', 'text'])).default(['voice']),
    segmenter: z
      .object({
        /** The first piece is cut after this many words when no comma or dash came earlier. */
        first_clause_max_words: z.number().int().min(2).max(30).default(4),
        /** A sentence longer than this many characters is cut at its last comma or space. */
        max_segment_chars: z.number().int().min(40).max(2000).default(220),
      })
      .strict()
      .prefault({}),
    chat: z
      .object({
        /** When this many chat messages wait in the queue, they become one `chat_batch` input. */
        batch_threshold: z.number().int().min(2).max(200).default(5),
        /** Most chat messages quoted in one batch (the newest are kept). */
        batch_max_messages: z.number().int().min(1).max(100).default(12),
      })
      .strict()
      .prefault({}),
    interruption: z
      .object({
        /** Barge-in on the listener's voice (`vad.speech_start`) while the character speaks. */
        enabled: z.boolean().default(true),
        /** Extra wait after `vad.speech_start` before cutting the character off; the VAD's min_speech_ms already ignores coughs. */
        min_speech_ms: z.number().int().min(0).max(5000).default(0),
        /** Text stored after a reply that was cut off, once per interrupted reply. */
        marker: z.string().min(1).max(60).default('[interrupted]'),
      })
      .strict()
      .prefault({}),
    history: z
      .object({
        /** Continue the newest stored conversation on start instead of opening a new one. */
        resume_last: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    proactive: z
      .object({
        /** Speak on its own when nobody has talked or chatted for `idle_s`. */
        enabled: z.boolean().default(false),
        idle_s: z.number().min(5).max(86_400).default(90),
        /** At least this long between two proactive turns. */
        min_interval_s: z.number().min(5).max(86_400).default(180),
        /** Stop after this many proactive turns in a row until someone talks again. */
        max_in_a_row: z.number().int().min(1).max(100).default(2),
      })
      .strict()
      .prefault({}),
    preemptive: z
      .object({
        /**
         * Start the reply during the VAD hangover, from the transcript at the tentative pause
         * (`vad.pause_ms`); the reply is only used if the streamer really stopped there with the
         * same words. Saves most of the hangover; costs an abandoned LLM request when they go on.
         */
        enabled: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Speak the character's greeting when the first client connects. */
    greeting: z.boolean().default(true),
    /** Memory/relationship providers must answer within this many ms or are skipped for the turn. */
    context_deadline_ms: z.number().int().min(10).max(5000).default(150),
    tools: z
      .object({
        /** Most LLM rounds per turn when the model keeps calling tools. */
        max_rounds: z.number().int().min(1).max(10).default(3),
        timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
      })
      .strict()
      .prefault({}),
    /** Spoken (and stored) when the LLM fails. */
    apology: z.string().min(1).max(300).default("Sorry, I lost my train of thought for a second."),
    /** Spoken instead of a reply that the output filter blocked. */
    deflection: z.string().min(1).max(300).default("Let's keep it friendly, okay? Moving on!"),
  })
  .strict();

export type AgentConfig = z.infer<typeof AgentConfigSchema>;
