import { STOPWORDS } from './embedders/hashed-embedder.ts';
import type { MemoryKind } from './memory-item.ts';

export interface Classified {
  kind: MemoryKind;
  /** 0..1 */
  importance: number;
  tags: string[];
  /** Stored text (third person, trimmed). */
  text: string;
}

const TRIVIAL_RE = /^(hi+|hello+|hey+|yo+|sup|lol+|lmao+|rofl|xd+|gg|ok(ay)?|k|nice|cool|wow|hahaha*|ha(ha)+|thanks?|ty|thx|pog(gers)?|kek|w|l|\?+|!+|o\/|<3|bye|gn|gm)$/i;
const THIRD_PARTY_RE = /\bmy (friend|best friend|brother|sister|mom|mum|mother|dad|father|wife|husband|partner|boyfriend|girlfriend|son|daughter|boss|roommate|cousin|grandma|grandpa|neighbou?r|teacher|kid|kids)\b|@\w+/i;
const OBJECTIVE_RE = /\b(remind me|don't forget|do not forget|promise|next stream|tomorrow|next week|my goal|plan to|i'm going to|i am going to|i will|i'll|deadline|exam|interview)\b/i;
const SELF_FACT_RE = /\b(my name is|i am|i'm|i've|i have|i live|i work|i study|i like|i love|i hate|i prefer|my favou?rite|my (cat|dog|pet|job|birthday|name|home|house|car|hobby|hobbies|city|country)|i was born|i play|i speak|i own)\b/i;
const EMOTION_RE = /\b(i('m| am| feel)( so| really| very)? (sad|depressed|happy|excited|angry|anxious|lonely|scared|proud|stressed|tired|nervous|upset|grateful|heartbroken))\b/i;
const BOOST_RE = /\b(called|named|name|birthday|favou?rite|allergic|born|married|moved|job|live|anniversary)\b/i;
const CHAR_SELF_RE = /\b(i promise|i'll remember|my favou?rite|i always|i never)\b/i;

const WORD_RE = /[\p{L}\p{N}]+/gu;

export function isTrivial(text: string): boolean {
  const t = text.trim();
  if (t.length === 0) return true;
  if (!/[\p{L}\p{N}]/u.test(t)) return true;
  const words = t.toLowerCase().match(WORD_RE) ?? [];
  if (words.length <= 2 && words.every((w) => TRIVIAL_RE.test(w) || w.length <= 3)) return true;
  if (TRIVIAL_RE.test(t.replace(/[.!?~\s]+$/g, ''))) return true;
  return words.filter((w) => !STOPWORDS.has(w) && !TRIVIAL_RE.test(w)).length < 2;
}

/** A few content words, for tags. */
export function keywords(text: string, max = 5): string[] {
  const seen = new Set<string>();
  for (const w of text.toLowerCase().match(WORD_RE) ?? []) {
    if (w.length < 4 || STOPWORDS.has(w) || TRIVIAL_RE.test(w) || /^\d+$/.test(w)) continue;
    seen.add(w);
    if (seen.size >= max) break;
  }
  return [...seen];
}

/**
 * Decides whether a viewer's line is worth remembering, what kind of memory it is and how
 * important. Rules, not a model: first-person facts, plans and feelings are kept long-term; other
 * non-trivial chat goes to the session; greetings and reactions are dropped.
 */
export function classifyUserText(text: string, displayName: string): Classified | undefined {
  const clean = text.replace(/\s+/g, ' ').trim().slice(0, 500);
  if (isTrivial(clean)) return undefined;
  let kind: MemoryKind = 'chat';
  let importance = 0.2;
  if (THIRD_PARTY_RE.test(clean)) {
    kind = 'third_party';
    importance = 0.55;
  } else if (EMOTION_RE.test(clean)) {
    kind = 'emotions';
    importance = 0.5;
  } else if (OBJECTIVE_RE.test(clean)) {
    kind = 'objectives';
    importance = 0.55;
  } else if (SELF_FACT_RE.test(clean)) {
    kind = 'user';
    importance = 0.6;
  }
  if (kind !== 'chat' && BOOST_RE.test(clean)) importance += 0.15;
  if (kind !== 'chat' && /\s[A-Z][a-z]{2,}/.test(clean)) importance += 0.1;
  importance = Math.min(1, Math.round(importance * 100) / 100);
  return { kind, importance, tags: keywords(clean), text: `${displayName}: ${clean}` };
}

/** An event (donation, sub, cheer, raid) worth remembering about the viewer. */
export function classifyEvent(kind: string, text: string, displayName: string, meta: Readonly<Record<string, unknown>> | undefined): Classified | undefined {
  const m = meta ?? {};
  const num = (k: string): number | undefined => (typeof m[k] === 'number' ? (m[k] as number) : undefined);
  const str = (k: string): string | undefined => (typeof m[k] === 'string' ? (m[k] as string) : undefined);
  const msg = text.trim() ? ` and said: ${text.trim().slice(0, 300)}` : '';
  switch (kind) {
    case 'donation':
      return { kind: 'user', importance: 0.7, tags: ['support', 'donation'], text: `${displayName} donated ${num('amount') ?? ''} ${str('currency') ?? ''}`.replace(/\s+/g, ' ').trim() + msg };
    case 'cheer':
      return { kind: 'user', importance: 0.6, tags: ['support', 'cheer'], text: `${displayName} cheered ${num('bits') ?? ''} bits`.replace(/\s+/g, ' ') + msg };
    case 'sub':
    case 'resub':
    case 'gift':
      return { kind: 'user', importance: 0.65, tags: ['support', 'sub'], text: `${displayName} subscribed${num('months') ? ` (${num('months')} months)` : ''}` + msg };
    case 'raid':
      return { kind: 'user', importance: 0.7, tags: ['support', 'raid'], text: `${displayName} raided with ${num('viewers') ?? 'some'} viewers` + msg };
    default:
      return undefined;
  }
}

/** Something the character said about itself that it should stay consistent with. */
export function classifyCharacterText(heard: string, characterName: string): Classified | undefined {
  const sentence = heard
    .split(/(?<=[.!?])\s+/)
    .find((s) => CHAR_SELF_RE.test(s));
  if (!sentence || isTrivial(sentence)) return undefined;
  return { kind: 'self', importance: 0.45, tags: keywords(sentence), text: `${characterName} said: ${sentence.trim().slice(0, 300)}` };
}
