import type { TwitchUser } from './twitch-events.ts';

export interface GiftGroup {
  /** undefined for an anonymous gifter. */
  gifter: TwitchUser | undefined;
  count: number;
  plan: string;
  /** Up to 10 recipients' names. */
  recipients: string[];
}

interface Pending {
  gifter: TwitchUser | undefined;
  mysteryCount: number;
  subgifts: number;
  plan: string;
  recipients: string[];
  groupIds: Set<string>;
  timer: NodeJS.Timeout;
}

interface Absorber {
  remaining: number;
  expiresAt: number;
}

/** How long the individual `subgift` lines of an announced gift bomb are still recognized. */
const ABSORB_MS = 120_000;

/**
 * Folds gift subs into one reaction per gifter: a `submysterygift` of 50 plus the 50 `subgift`
 * lines that follow it (in any order, within `windowMs`) give one group of 50. Lines of a bomb
 * that arrive after the group was announced are absorbed silently.
 */
export class GiftGrouper {
  private readonly pending = new Map<string, Pending>();
  private readonly absorbers = new Map<string, Absorber>();

  constructor(
    private readonly windowMs: number,
    private readonly emit: (group: GiftGroup) => void,
  ) {}

  /** One gifted sub. Returns false when it was absorbed into an already announced bomb. */
  subgift(gifter: TwitchUser | undefined, recipient: string, plan: string, groupId: string | undefined): boolean {
    const key = keyOf(gifter);
    if (this.absorb(groupId) || this.absorb(`gifter:${key}`)) return false;
    const p = this.open(key, gifter, plan);
    p.subgifts++;
    if (groupId) p.groupIds.add(groupId);
    if (recipient && p.recipients.length < 10) p.recipients.push(recipient);
    return true;
  }

  /** A gift bomb announcement (`submysterygift`, N subs). */
  mystery(gifter: TwitchUser | undefined, count: number, plan: string, groupId: string | undefined): void {
    const p = this.open(keyOf(gifter), gifter, plan);
    p.mysteryCount += Math.max(1, count);
    if (groupId) p.groupIds.add(groupId);
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.absorbers.clear();
  }

  private open(key: string, gifter: TwitchUser | undefined, plan: string): Pending {
    let p = this.pending.get(key);
    if (!p) {
      p = { gifter, mysteryCount: 0, subgifts: 0, plan, recipients: [], groupIds: new Set(), timer: setTimeout(() => this.flush(key), this.windowMs) };
      this.pending.set(key, p);
    }
    return p;
  }

  private absorb(key: string | undefined): boolean {
    if (key === undefined) return false;
    const a = this.absorbers.get(key);
    if (!a) return false;
    if (a.remaining <= 0 || Date.now() > a.expiresAt) {
      this.absorbers.delete(key);
      return false;
    }
    a.remaining--;
    return true;
  }

  private flush(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    const missing = p.mysteryCount - p.subgifts;
    if (missing > 0) {
      const absorber = { remaining: missing, expiresAt: Date.now() + ABSORB_MS };
      if (p.groupIds.size > 0) for (const id of p.groupIds) this.absorbers.set(id, absorber);
      else this.absorbers.set(`gifter:${key}`, absorber);
    }
    for (const [k, a] of this.absorbers) if (Date.now() > a.expiresAt) this.absorbers.delete(k);
    this.emit({ gifter: p.gifter, count: Math.max(p.mysteryCount, p.subgifts), plan: p.plan, recipients: p.recipients });
  }
}

function keyOf(gifter: TwitchUser | undefined): string {
  return gifter ? gifter.id : 'anonymous';
}
