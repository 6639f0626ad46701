/** One finished exchange, for the `transcript://recent` resource. */
export interface TranscriptEntry {
  at: string;
  user: string;
  kind: string;
  input: string;
  reply: string;
  interrupted: boolean;
}

/** A bounded ring of recent exchanges (oldest dropped first). */
export class TranscriptLog {
  private readonly entries: TranscriptEntry[] = [];

  constructor(private readonly max: number) {}

  add(entry: TranscriptEntry): void {
    this.entries.push(entry);
    while (this.entries.length > this.max) this.entries.shift();
  }

  recent(): TranscriptEntry[] {
    return [...this.entries];
  }
}
