import { stemmer as russianStem } from '@orama/stemmers/russian';

/*
 * Lexical sentiment, English and Russian. The language is chosen per word by its script, so a
 * mixed chat line works. Russian words are reduced with the Snowball Russian stemmer
 * (@orama/stemmers, a maintained port) before the lexicon lookup, so "нравится / нравишься /
 * понравилось" or "скучно / скучный / скучная" hit the same entry. We looked at multilingual
 * sentiment packages on npm (@nlpjs/sentiment, sentiment, vader ports): none ships a Russian
 * lexicon, so the word lists below are ours; the inflection handling is the library's.
 */

const POSITIVE = new Set(
  'love loved lovely like liked likes great good awesome amazing wonderful thanks thank thx ty nice cute cool best beautiful happy glad fun funny lol haha pog poggers hype wow yay congrats congratulations proud sweet kind enjoy enjoyed enjoying favourite favorite adorable brilliant excellent perfect welcome hug hugs heart support supported'.split(' '),
);
const NEGATIVE = new Set(
  'hate hated hates bad awful terrible worst boring stupid dumb ugly annoying sucks suck trash garbage cringe angry mad sad disappointed disappointing rude shut idiot cringe lame toxic scam fake horrible disgusting'.split(' '),
);
const NEGATORS = new Set(['not', "don't", 'dont', 'never', "isn't", 'isnt', "wasn't", 'no', "doesn't", 'doesnt', "can't", 'cant', 'не', 'ни', 'никогда', 'ничуть']);

const RU_POSITIVE_WORDS =
  'люблю любить любимый любимая обожаю обожать нравится нравишься нравятся понравилось понравился класс классный классная классно круто крутой крутая супер отлично отличный отличная хорошо хороший хорошая прекрасно прекрасный замечательно замечательный чудесно чудесный мило милый милая милота милашка няшка красиво красивый красивая спасибо спасибочки благодарю молодец умница весело весёлый смешно смешной рад рада радуюсь счастлив счастлива лучший лучшая кайф кайфую офигенно шикарно шикарный восторг поздравляю обнимаю интересно интересный гениально гениальный уютно уютный приятно приятный топ имба ура браво вкусно'.split(' ');
const RU_NEGATIVE_WORDS =
  'ненавижу ненависть ненавидеть плохо плохой плохая ужасно ужасный ужасная ужас отвратительно отвратительный скучно скучный скучная бесит бесишь раздражает раздражаешь надоело надоела надоел тупой тупая тупо глупо глупый глупая дурак дура дурацкий идиот идиотка отстой фигня хрень кринж кринжово мерзко мерзкий противно противный грустно грустный печально обидно злой злая злюсь разочарован разочарована разочаровала худший худшая бред мусор заткнись токсичный уродливый страшно'.split(' ');

const RU_POSITIVE = new Set(RU_POSITIVE_WORDS.map(russianStem));
const RU_NEGATIVE = new Set(RU_NEGATIVE_WORDS.map(russianStem));
const CYRILLIC = /[\u0400-\u04ff]/;

function russianPolarity(word: string): number {
  const w = word.replace(/ё/g, 'е');
  const stem = russianStem(w);
  if (RU_POSITIVE.has(stem)) return 1;
  if (RU_NEGATIVE.has(stem)) return -1;
  if (/^ах+а|^ха(ха)+|^хех|^хи(хи)+/.test(w)) return 1;
  // "неплохо", "неинтересно": a glued не- flips the rest.
  if (w.startsWith('не') && w.length > 5) {
    const rest = russianStem(w.slice(2));
    if (RU_POSITIVE.has(rest)) return -1;
    if (RU_NEGATIVE.has(rest)) return 1;
  }
  return 0;
}

const RU_STEM_CACHE_LIMIT = 2000;
const cache = new Map<string, number>();
function polarityOf(w: string): number {
  if (POSITIVE.has(w) || w === '<3' || w === ':)' || w === '❤️' || w === '😊' || w === ')))' || w === '))') return 1;
  if (NEGATIVE.has(w) || w === ':(' || w === '😢' || w === '😡' || w === '(((' || w === '((') return -1;
  if (!CYRILLIC.test(w)) return 0;
  let p = cache.get(w);
  if (p === undefined) {
    p = russianPolarity(w);
    if (cache.size >= RU_STEM_CACHE_LIMIT) cache.clear();
    cache.set(w, p);
  }
  return p;
}

/** Lexical sentiment of a chat line in [-1, 1] (word lists with simple negation; not a model). */
export function sentimentOf(text: string): number {
  const words = text.toLowerCase().match(/[a-z']+|[\u0400-\u04ff]+|<3|:\)|:\(|\){2,3}|\({2,3}|❤️|😊|😢|😡/gu) ?? [];
  let score = 0;
  let hits = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    let s = polarityOf(w);
    if (s === 0) continue;
    const prev = words[i - 1];
    const prev2 = words[i - 2];
    if ((prev && NEGATORS.has(prev)) || (prev2 && NEGATORS.has(prev2))) s = -s;
    score += s;
    hits++;
  }
  if (hits === 0) return 0;
  return Math.max(-1, Math.min(1, score / Math.max(2, hits)));
}
