import type { InteractionRow, Viewer } from './relationship-db.ts';
import { primaryLanguage } from '../config/language.ts';
import { affinityLabel } from './scoring-rules.ts';

/** A conservative token estimate (English BPE averages ~4 characters or ~0.75 words per token). */
export function estimateTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.ceil(Math.max(text.length / 3.5, words * 1.35));
}

/** The card's words in English and Russian (the character's language picks; others get English). */
interface CardWords {
  minAgo(n: number): string;
  hAgo(n: number): string;
  daysAgo(n: number): string;
  messages(n: number): string;
  voiceTurns(n: number): string;
  donations(n: number, total: number): string;
  bits(n: number): string;
  subscribed(months: number): string;
  raids(n: number): string;
  viewer(name: string, previous: string[]): string;
  relationship(label: string, a: number, t: number, l: number): string;
  seen(since: string, days: number, ago: string): string;
  history(items: string[]): string;
  tags(tags: string[]): string;
  notes(notes: string): string;
  recently(items: string[]): string;
  kind(kind: string): string;
  label(affinity: number): string;
}

const EN_WORDS: CardWords = {
  minAgo: (n) => `${n} min ago`,
  hAgo: (n) => `${n} h ago`,
  daysAgo: (n) => `${n} days ago`,
  messages: (n) => `${n} chat messages`,
  voiceTurns: (n) => `${n} voice turns`,
  donations: (n, total) => `${n} donation${n > 1 ? 's' : ''} (total ${total})`,
  bits: (n) => `${n} bits cheered`,
  subscribed: (months) => `subscribed${months ? ` ${months} months` : ''}`,
  raids: (n) => `${n} raid${n > 1 ? 's' : ''}`,
  viewer: (name, previous) => `Viewer: ${name}${previous.length ? ` (formerly ${previous.join(', ')})` : ''}.`,
  relationship: (label, a, t, l) => `Relationship: ${label} (affinity ${a}/100, trust ${t}/100, loyalty ${l}/100).`,
  seen: (since, days, ago) => `Known since ${since}, seen on ${days} day${days === 1 ? '' : 's'}, last ${ago}.`,
  history: (items) => `History: ${items.join(', ')}.`,
  tags: (tags) => `Tags: ${tags.join(', ')}.`,
  notes: (notes) => `Notes: ${notes}`,
  recently: (items) => `Recently: ${items.join('; ')}.`,
  kind: (kind) => kind,
  label: affinityLabel,
};

const RU_KINDS: Readonly<Record<string, string>> = { chat: 'чат', voice: 'голос', sub: 'подписка', cheer: 'битсы', donation: 'донат', raid: 'рейд' };
const RU_LABELS: Readonly<Record<string, string>> = { wary: 'настороженно', cool: 'прохладно', neutral: 'нейтрально', friendly: 'дружелюбно', fond: 'тепло', 'close friend': 'близкий друг' };

const RU_WORDS: CardWords = {
  minAgo: (n) => `${n} мин назад`,
  hAgo: (n) => `${n} ч назад`,
  daysAgo: (n) => `${n} дн. назад`,
  messages: (n) => `сообщений в чате: ${n}`,
  voiceTurns: (n) => `голосовых реплик: ${n}`,
  donations: (n, total) => `донатов: ${n} (всего ${total})`,
  bits: (n) => `битсов: ${n}`,
  subscribed: (months) => `подписка${months ? `: ${months} мес.` : ''}`,
  raids: (n) => `рейдов: ${n}`,
  viewer: (name, previous) => `Зритель: ${name}${previous.length ? ` (раньше: ${previous.join(', ')})` : ''}.`,
  relationship: (label, a, t, l) => `Отношение: ${label} (симпатия ${a}/100, доверие ${t}/100, верность ${l}/100).`,
  seen: (since, days, ago) => `Знакомы с ${since}, дней на стримах: ${days}, последний раз: ${ago}.`,
  history: (items) => `История: ${items.join(', ')}.`,
  tags: (tags) => `Теги: ${tags.join(', ')}.`,
  notes: (notes) => `Заметки: ${notes}`,
  recently: (items) => `Недавно: ${items.join('; ')}.`,
  kind: (kind) => RU_KINDS[kind] ?? kind,
  label: (a) => RU_LABELS[affinityLabel(a)] ?? affinityLabel(a),
};

function ago(w: CardWords, ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return w.minAgo(Math.max(1, m));
  const h = Math.round(m / 60);
  if (h < 48) return w.hAgo(h);
  return w.daysAgo(Math.round(h / 24));
}

/**
 * The few lines about the current speaker that go into the prompt, in the character's language
 * (English and Russian; others get English). Sections are dropped from the least to the most
 * important until the card fits `maxTokens`.
 */
export function relationshipCard(v: Viewer, recent: readonly InteractionRow[], maxTokens: number, now = Date.now(), language = 'en'): string {
  const w = primaryLanguage(language) === 'ru' ? RU_WORDS : EN_WORDS;
  const u = v.user;
  const r = v.relationship;
  const previous = (JSON.parse(u.previous_names) as string[]).filter((n) => n !== u.display_name);
  const tags = JSON.parse(r.tags) as string[];
  const history: string[] = [];
  if (r.messages) history.push(w.messages(r.messages));
  if (r.voice_turns) history.push(w.voiceTurns(r.voice_turns));
  if (r.donations) history.push(w.donations(r.donations, r.donation_total));
  if (r.cheer_bits) history.push(w.bits(r.cheer_bits));
  if (r.subs) history.push(w.subscribed(r.sub_months));
  if (r.raids) history.push(w.raids(r.raids));
  const sections: Array<{ text: string; priority: number }> = [
    { priority: 0, text: w.viewer(u.display_name, previous.slice(-2)) },
    { priority: 0, text: w.relationship(w.label(r.affinity), Math.round(r.affinity), Math.round(r.trust), Math.round(r.loyalty)) },
    { priority: 1, text: w.seen(new Date(u.first_seen).toISOString().slice(0, 10), r.days_seen, ago(w, now - r.last_seen)) },
    ...(history.length ? [{ priority: 1, text: w.history(history) }] : []),
    ...(tags.length ? [{ priority: 2, text: w.tags(tags.slice(0, 6)) }] : []),
    ...(r.notes.trim() ? [{ priority: 2, text: w.notes(r.notes.trim().slice(0, 300)) }] : []),
    ...(recent.length ? [{ priority: 3, text: w.recently(recent.slice(0, 3).map((i) => `${w.kind(i.kind)} "${i.summary.slice(0, 60)}"`)) }] : []),
  ];
  for (let drop = 4; drop >= 0; drop--) {
    const card = sections.filter((s) => s.priority < drop || drop === 4).map((s) => s.text).join('\n');
    if (estimateTokens(card) <= maxTokens) return card;
  }
  // Even the two core lines are too long (absurd names): cut by characters.
  const core = sections.filter((s) => s.priority === 0).map((s) => s.text).join('\n');
  return core.slice(0, Math.floor(maxTokens * 3.5) - 1);
}
