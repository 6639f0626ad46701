import type { InputItem } from '../core/input.ts';
import { STOPWORDS } from './embedders/hashed-embedder.ts';
import {
  hasCyrillic,
  RU_BOOST_RE,
  RU_CHAR_SELF_RE,
  RU_EMOTION_RE,
  RU_OBJECTIVE_RE,
  RU_SELF_FACT_RE,
  RU_STOPWORDS,
  RU_THIRD_PARTY_RE,
  RU_TRIVIAL_RE,
} from './classifier-rules-ru.ts';
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
const RU_TRIVIAL_WORD_RE = new RegExp(`^(?:${RU_TRIVIAL_RE.source})$`, 'iu');
const RU_GREETING_LINE_RE =
  /^(?:(?:всем|ребят\p{L}*|чат|народ)\s+)?(?:прив\p{L}*|здравствуй\p{L}*|здаров\p{L}*|добр\p{L}*\s+(?:утро|день|вечер|ночи)|хай|салют|хелло)(?:\s+(?:всем|ребят\p{L}*|чат|народ|нейри|neiri))*$/iu;

interface Rules {
  third: RegExp;
  emotion: RegExp;
  objective: RegExp;
  self: RegExp;
  boost: RegExp;
}
const EN_RULES: Rules = { third: THIRD_PARTY_RE, emotion: EMOTION_RE, objective: OBJECTIVE_RE, self: SELF_FACT_RE, boost: BOOST_RE };
const RU_RULES: Rules = { third: RU_THIRD_PARTY_RE, emotion: RU_EMOTION_RE, objective: RU_OBJECTIVE_RE, self: RU_SELF_FACT_RE, boost: RU_BOOST_RE };

const isStopword = (w: string): boolean => STOPWORDS.has(w) || RU_STOPWORDS.has(w);
const isTrivialWord = (w: string): boolean => TRIVIAL_RE.test(w) || RU_TRIVIAL_WORD_RE.test(w);

export function isTrivial(text: string): boolean {
  const t = text.trim();
  if (t.length === 0) return true;
  if (!/[\p{L}\p{N}]/u.test(t)) return true;
  const words = t.toLowerCase().match(WORD_RE) ?? [];
  if (words.length <= 2 && words.every((w) => isTrivialWord(w) || w.length <= 3)) return true;
  const bare = t.replace(/[.,!?~)(\s]+$/g, '').replace(/[,!]+/g, ' ').replace(/\s+/g, ' ');
  if (TRIVIAL_RE.test(bare) || RU_TRIVIAL_WORD_RE.test(bare) || RU_GREETING_LINE_RE.test(bare)) return true;
  return words.filter((w) => !isStopword(w) && !isTrivialWord(w)).length < 2;
}

function contentWords(text: string): number {
  return (text.toLowerCase().match(WORD_RE) ?? []).filter((w) => !isStopword(w) && !isTrivialWord(w)).length;
}

/** A few content words, for tags. */
export function keywords(text: string, max = 5): string[] {
  const seen = new Set<string>();
  for (const w of text.toLowerCase().match(WORD_RE) ?? []) {
    if (w.length < 4 || isStopword(w) || isTrivialWord(w) || /^\d+$/.test(w)) continue;
    seen.add(w);
    if (seen.size >= max) break;
  }
  return [...seen];
}

/**
 * Decides whether a viewer's line is worth remembering, what kind of memory it is and how
 * important. Rules, not a model: first-person facts, plans and feelings are kept long-term; other
 * non-trivial chat goes to the session; greetings and reactions are dropped. A line with Cyrillic
 * letters is judged by the Russian rules (classifier-rules-ru.ts), any other by the English ones,
 * so a mixed-language chat works whatever the character's language.
 */
export function classifyUserText(text: string, displayName: string): Classified | undefined {
  const clean = text.replace(/\s+/g, ' ').trim().slice(0, 500);
  const r = hasCyrillic(clean) ? RU_RULES : EN_RULES;
  // Short first-person facts ("у меня есть кошка") have one content word: a rule match keeps them.
  if (isTrivial(clean) && !(contentWords(clean) >= 1 && [r.third, r.emotion, r.objective, r.self].some((re) => re.test(clean)))) return undefined;
  let kind: MemoryKind = 'chat';
  let importance = 0.2;
  if (r.third.test(clean) || /@\w+/.test(clean)) {
    kind = 'third_party';
    importance = 0.55;
  } else if (r.emotion.test(clean)) {
    kind = 'emotions';
    importance = 0.5;
  } else if (r.objective.test(clean)) {
    kind = 'objectives';
    importance = 0.55;
  } else if (r.self.test(clean)) {
    kind = 'user';
    importance = 0.6;
  }
  if (kind !== 'chat' && r.boost.test(clean)) importance += 0.15;
  if (kind !== 'chat' && /\s[A-ZА-ЯЁ][a-zа-яё]{2,}/u.test(clean)) importance += 0.1;
  importance = Math.min(1, Math.round(importance * 100) / 100);
  return { kind, importance, tags: keywords(clean), text: `${displayName}: ${clean}` };
}

/** An event (donation, sub, cheer, raid, a game result) worth remembering about the viewer. */
export function classifyEvent(input: InputItem): Classified | undefined {
  const displayName = input.user.displayName;
  const text = input.text.trim();
  const msg = text ? ` and said: ${text.slice(0, 300)}` : '';
  switch (input.kind) {
    case 'donation':
      return { kind: 'user', importance: 0.7, tags: ['support', 'donation'], text: `${displayName} donated ${input.amount} ${input.currency}`.replace(/\s+/g, ' ').trim() + msg };
    case 'super_chat':
      return { kind: 'user', importance: 0.7, tags: ['support', 'donation'], text: `${displayName} sent a Super Chat of ${input.amount} ${input.currency}` + msg };
    case 'membership':
      return { kind: 'user', importance: 0.65, tags: ['support', 'sub'], text: `${displayName} became a channel member${input.months ? ` (${input.months} months)` : ''}` + msg };
    case 'cheer':
      return { kind: 'user', importance: 0.6, tags: ['support', 'cheer'], text: `${displayName} cheered ${input.bits} bits` + msg };
    case 'sub':
    case 'resub':
      return { kind: 'user', importance: 0.65, tags: ['support', 'sub'], text: `${displayName} subscribed${input.months ? ` (${input.months} months)` : ''}` + msg };
    case 'gift':
      return { kind: 'user', importance: 0.65, tags: ['support', 'sub'], text: `${displayName} subscribed` + msg };
    case 'raid':
      return { kind: 'user', importance: 0.7, tags: ['support', 'raid'], text: `${displayName} raided with ${input.viewers} viewers` + msg };
    case 'win':
    case 'loss': {
      const about = [input.game, input.detail].map((v) => v?.trim()).filter(Boolean).join(', ');
      return { kind: 'user', importance: 0.5, tags: ['game', input.kind], text: `${displayName} ${input.kind === 'win' ? 'won' : 'lost'} a game${about ? ` (${about.slice(0, 200)})` : ''}` + msg };
    }
    default:
      return undefined;
  }
}

/** Something the character said about itself that it should stay consistent with. */
export function classifyCharacterText(heard: string, characterName: string): Classified | undefined {
  const sentence = heard
    .split(/(?<=[.!?…])\s+/)
    .find((s) => CHAR_SELF_RE.test(s) || RU_CHAR_SELF_RE.test(s));
  if (!sentence || isTrivial(sentence)) return undefined;
  return { kind: 'self', importance: 0.45, tags: keywords(sentence), text: `${characterName} said: ${sentence.trim().slice(0, 300)}` };
}
