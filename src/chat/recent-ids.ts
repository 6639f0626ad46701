/**
 * Remembers the last `capacity` ids (oldest forgotten first) so a message that Twitch replays after
 * a reconnect, a poll page fetched twice, or a webhook that is delivered twice, is processed once.
 */
export class RecentIds {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    /** Ids older than this are forgotten even when there is room (0 = keep until evicted). */
    private readonly ttlMs = 0,
  ) {}

  /** True when `id` was seen before; otherwise records it and returns false. */
  seen(id: string, now: number = Date.now()): boolean {
    const at = this.ids.get(id);
    if (at !== undefined && (this.ttlMs === 0 || now - at <= this.ttlMs)) return true;
    this.ids.delete(id);
    this.ids.set(id, now);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next();
      if (oldest.done) break;
      this.ids.delete(oldest.value);
    }
    return false;
  }

  get size(): number {
    return this.ids.size;
  }
}
