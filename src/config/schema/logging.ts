import { z } from 'zod';

export const LogLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

export const LoggingConfigSchema = z
  .object({
    /** Minimum level written; the LOG_LEVEL environment variable overrides it. */
    level: LogLevelSchema.default('info'),
    file: z
      .object({
        /** Write JSON lines to DATA_DIR/logs/. */
        enabled: z.boolean().default(true),
        /** Rotate the file when it reaches this size. */
        max_size_mb: z.number().positive().default(10),
        /** Delete rotated files older than this. */
        retention_days: z.number().int().positive().default(30),
      })
      .strict()
      .prefault({}),
    /** Human-readable console output (pino-pretty) instead of JSON lines. */
    console_pretty: z.boolean().default(true),
  })
  .strict();

export type LoggingConfig = z.infer<typeof LoggingConfigSchema>;
