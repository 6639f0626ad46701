export type InteractionKind = 'chat' | 'voice' | 'sub' | 'cheer' | 'donation' | 'raid';

export interface Scores {
  affinity: number;
  trust: number;
  loyalty: number;
}

export interface Counters {
  messages: number;
  voice_turns: number;
  subs: number;
  sub_months: number;
  cheer_bits: number;
  donations: number;
  donation_total: number;
  raids: number;
  days_seen: number;
}

export interface InteractionFacts {
  kind: InteractionKind;
  sentiment: number;
  /** Donation amount, cheer bits, sub months, raid viewers. */
  amount: number;
  /** First interaction on a new calendar day. */
  newDay: boolean;
  /** A gifted sub (counts as generosity rather than loyalty). */
  gift: boolean;
}

/** Moves a score toward its bound with diminishing returns, so early support counts most. */
function nudge(value: number, delta: number, min: number, max: number): number {
  if (delta === 0) return value;
  const room = delta > 0 ? (max - value) / (max - min) : (value - min) / (max - min);
  const next = value + delta * Math.max(0, room) * 2;
  return Math.round(Math.min(max, Math.max(min, next)) * 100) / 100;
}

/**
 * The rules that turn one interaction into new scores and counters. Affinity is how warm the
 * character is (-100..100), trust how safe the viewer seems (0..100), loyalty how long and
 * steadily they have been around (0..100).
 */
export function applyInteraction(s: Scores, c: Counters, f: InteractionFacts): { scores: Scores; counters: Counters } {
  let { affinity, trust, loyalty } = s;
  const counters = { ...c };
  const warmth = 1.5 * f.sentiment;
  switch (f.kind) {
    case 'chat':
      counters.messages++;
      affinity = nudge(affinity, 0.6 + warmth, -100, 100);
      trust = nudge(trust, f.sentiment < -0.4 ? -2 : 0.25, 0, 100);
      break;
    case 'voice':
      counters.voice_turns++;
      affinity = nudge(affinity, 0.8 + warmth, -100, 100);
      trust = nudge(trust, f.sentiment < -0.4 ? -2 : 0.3, 0, 100);
      break;
    case 'donation':
      counters.donations++;
      counters.donation_total = Math.round((counters.donation_total + f.amount) * 100) / 100;
      affinity = nudge(affinity, 4 + Math.min(10, 2 * Math.log2(1 + f.amount)) + warmth, -100, 100);
      trust = nudge(trust, 2, 0, 100);
      break;
    case 'cheer':
      counters.cheer_bits += f.amount;
      affinity = nudge(affinity, 2 + Math.min(8, f.amount / 100) + warmth, -100, 100);
      trust = nudge(trust, 1, 0, 100);
      break;
    case 'sub':
      counters.subs++;
      counters.sub_months = Math.max(counters.sub_months, f.amount);
      affinity = nudge(affinity, f.gift ? 5 : 3, -100, 100);
      loyalty = nudge(loyalty, f.gift ? 2 : 5 + Math.min(10, f.amount / 2), 0, 100);
      trust = nudge(trust, 1.5, 0, 100);
      break;
    case 'raid':
      counters.raids++;
      affinity = nudge(affinity, 6, -100, 100);
      trust = nudge(trust, 3, 0, 100);
      break;
  }
  if (f.newDay) {
    counters.days_seen++;
    loyalty = nudge(loyalty, 2, 0, 100);
  }
  return { scores: { affinity, trust, loyalty }, counters };
}

export function affinityLabel(a: number): string {
  if (a < -30) return 'wary';
  if (a < 0) return 'cool';
  if (a < 10) return 'neutral';
  if (a < 35) return 'friendly';
  if (a < 65) return 'fond';
  return 'close friend';
}
