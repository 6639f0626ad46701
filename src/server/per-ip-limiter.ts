import type { FastifyReply, FastifyRequest } from 'fastify';
import { EngineError } from '../core/errors.ts';

/**
 * Caps how many requests of one kind a client address has in flight. Heavy routes (speech
 * recognition, synthesis, imports) use it so one caller cannot queue up unbounded work; the
 * caller over the cap gets 429 with `Retry-After`.
 */
export class PerIpLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly maxPerIp: number,
    private readonly routeName: string,
    private readonly retryAfterSeconds = 1,
  ) {}

  /** Takes a slot for `req.ip` or throws RATE_LIMITED (after setting Retry-After); returns the release. */
  acquire(req: FastifyRequest, reply: FastifyReply): () => void {
    const ip = req.ip;
    const n = this.inFlight.get(ip) ?? 0;
    if (n >= this.maxPerIp) {
      void reply.header('retry-after', String(this.retryAfterSeconds));
      throw new EngineError('RATE_LIMITED', `${this.routeName}: at most ${this.maxPerIp} request(s) in flight per client; retry after ${this.retryAfterSeconds} s`);
    }
    this.inFlight.set(ip, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(ip) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(ip);
      else this.inFlight.set(ip, left);
    };
  }

  get size(): number {
    return this.inFlight.size;
  }
}
