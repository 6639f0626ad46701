import type { InteractionRow, Viewer } from './relationship-db.ts';
import { affinityLabel } from './scoring-rules.ts';

/** A conservative token estimate (English BPE averages ~4 characters or ~0.75 words per token). */
export function estimateTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.ceil(Math.max(text.length / 3.5, words * 1.35));
}

function ago(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${Math.max(1, m)} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/**
 * The few lines about the current speaker that go into the prompt. Sections are dropped from
 * the least to the most important until the card fits `maxTokens`.
 */
export function relationshipCard(v: Viewer, recent: readonly InteractionRow[], maxTokens: number, now = Date.now()): string {
  const u = v.user;
  const r = v.relationship;
  const previous = (JSON.parse(u.previous_names) as string[]).filter((n) => n !== u.display_name);
  const tags = JSON.parse(r.tags) as string[];
  const history: string[] = [];
  if (r.messages) history.push(`${r.messages} chat messages`);
  if (r.voice_turns) history.push(`${r.voice_turns} voice turns`);
  if (r.donations) history.push(`${r.donations} donation${r.donations > 1 ? 's' : ''} (total ${r.donation_total})`);
  if (r.cheer_bits) history.push(`${r.cheer_bits} bits cheered`);
  if (r.subs) history.push(`subscribed${r.sub_months ? ` ${r.sub_months} months` : ''}`);
  if (r.raids) history.push(`${r.raids} raid${r.raids > 1 ? 's' : ''}`);
  const sections: Array<{ text: string; priority: number }> = [
    { priority: 0, text: `Viewer: ${u.display_name}${previous.length ? ` (formerly ${previous.slice(-2).join(', ')})` : ''}.` },
    { priority: 0, text: `Relationship: ${affinityLabel(r.affinity)} (affinity ${Math.round(r.affinity)}/100, trust ${Math.round(r.trust)}/100, loyalty ${Math.round(r.loyalty)}/100).` },
    { priority: 1, text: `Known since ${new Date(u.first_seen).toISOString().slice(0, 10)}, seen on ${r.days_seen} day${r.days_seen === 1 ? '' : 's'}, last ${ago(now - r.last_seen)}.` },
    ...(history.length ? [{ priority: 1, text: `History: ${history.join(', ')}.` }] : []),
    ...(tags.length ? [{ priority: 2, text: `Tags: ${tags.slice(0, 6).join(', ')}.` }] : []),
    ...(r.notes.trim() ? [{ priority: 2, text: `Notes: ${r.notes.trim().slice(0, 300)}` }] : []),
    ...(recent.length ? [{ priority: 3, text: `Recently: ${recent.slice(0, 3).map((i) => `${i.kind} "${i.summary.slice(0, 60)}"`).join('; ')}.` }] : []),
  ];
  for (let drop = 4; drop >= 0; drop--) {
    const card = sections.filter((s) => s.priority < drop || drop === 4).map((s) => s.text).join('\n');
    if (estimateTokens(card) <= maxTokens) return card;
  }
  // Even the two core lines are too long (absurd names): cut by characters.
  const core = sections.filter((s) => s.priority === 0).map((s) => s.text).join('\n');
  return core.slice(0, Math.floor(maxTokens * 3.5) - 1);
}
