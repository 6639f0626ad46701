import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in constant time: both are hashed first, so
 * neither the content nor the length of the expected token leaks through timing.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * Counts failed authentication attempts per client address in a sliding window. Only failures are
 * counted, so a caller with the right token is never limited by someone guessing next to it.
 */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Seconds to wait when `ip` has used up its failures in the window, else undefined. */
  blockedFor(ip: string): number | undefined {
    const recent = this.recent(ip);
    if (recent.length < this.maxFailures) return undefined;
    return Math.max(1, Math.ceil(((recent[0] ?? this.now()) + this.windowMs - this.now()) / 1000));
  }

  fail(ip: string): void {
    const recent = this.recent(ip);
    recent.push(this.now());
    this.failures.set(ip, recent);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value ?? ip);
  }

  private recent(ip: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(ip) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(ip);
    return list;
  }
}
