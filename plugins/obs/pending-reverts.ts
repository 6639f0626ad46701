import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { RevertPlanSchema } from './revert-plan.ts';

const PendingSchema = z.object({
  rule: z.number().int(),
  plan: RevertPlanSchema,
  /** Epoch ms when the revert is due; absent for an idle rule undone by the next activity. */
  dueAt: z.number().optional(),
});
export type PendingRecord = z.infer<typeof PendingSchema>;

const FileSchema = z.object({ version: z.literal(1), pending: z.array(PendingSchema) });

/**
 * The reverts still owed to OBS, in one small JSON file under DATA_DIR, so a restart in the
 * middle of a trigger's window does not leave OBS triggered. Written atomically (temp + rename).
 */
export class PendingRevertFile {
  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  load(): PendingRecord[] {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      return FileSchema.parse(JSON.parse(raw)).pending;
    } catch (err) {
      // Never block start-up on it: keep the bad file for a look, start with nothing owed.
      this.log.warn({ event: 'obs.pending_reverts_unreadable', file: this.file, reason: (err as Error).message.slice(0, 200) }, 'OBS pending reverts file unreadable; ignored');
      renameSync(this.file, `${this.file}.bad`);
      return [];
    }
  }

  save(pending: readonly PendingRecord[]): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: 1, pending: [...pending] } satisfies z.infer<typeof FileSchema>));
      renameSync(tmp, this.file);
    } catch (err) {
      this.log.warn({ event: 'obs.pending_reverts_unsaved', file: this.file, reason: (err as Error).message }, 'OBS pending reverts not saved');
    }
  }
}
