import { z } from 'zod';

export const RelationshipsConfigSchema = z
  .object({
    /** Off: no SQLite file, no relationship card; the rest of the engine runs unchanged. */
    enabled: z.boolean().default(true),
    /** The card given to the prompt for the current speaker stays within this many tokens (estimated). */
    card_max_tokens: z.number().int().min(40).max(200).default(200),
    /** Rows in GET /admin/relationships (most recently seen first). */
    recent_limit: z.number().int().min(1).max(1000).default(50),
    /** Interactions kept per viewer (older ones are deleted; counters keep the totals). */
    max_interactions_per_user: z.number().int().min(10).default(500),
    /** Largest CSV import body, in bytes. */
    import_max_bytes: z.number().int().min(1024).default(4 * 1024 * 1024),
  })
  .strict();

export type RelationshipsConfig = z.infer<typeof RelationshipsConfigSchema>;
