import { z } from 'zod';

/** Settings for the browser pages (avatar, overlay, admin). */
export const FrontendConfigSchema = z
  .object({
    /** Language of the pages' own text (en, ru, zh); empty = the character's language. A viewer's ?lang= or menu choice wins. */
    language: z.string().default(''),
    log_ingest: z
      .object({
        /** Accept browser log lines on POST /api/logs (written to the server log, component "frontend"). */
        enabled: z.boolean().default(false),
        /** Log lines accepted per minute per client address; more are dropped with 429. */
        max_per_minute: z.number().int().positive().max(10_000).default(120),
        /** Most lines in one POST. */
        max_batch: z.number().int().positive().max(500).default(50),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type FrontendConfig = z.infer<typeof FrontendConfigSchema>;
