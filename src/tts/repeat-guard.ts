/**
 * Remembers recently spoken sentences so the same one is not spoken twice within `windowMs`
 * (an LLM stuck in a loop, a chat message echoed back). Matching ignores case, spacing and punctuation.
 */
export class RepeatGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  static normalize(text: string): string {
    return text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  }

  /** True when `text` was spoken within the window; otherwise records it and returns false. */
  isRepeat(text: string): boolean {
    if (this.windowMs <= 0) return false;
    const key = RepeatGuard.normalize(text);
    if (key.length === 0) return false;
    const now = this.now();
    for (const [k, at] of this.seen) {
      if (now - at <= this.windowMs) break;
      this.seen.delete(k);
    }
    const last = this.seen.get(key);
    if (last !== undefined && now - last <= this.windowMs) return true;
    this.seen.delete(key);
    this.seen.set(key, now);
    return false;
  }
}
