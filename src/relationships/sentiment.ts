const POSITIVE = new Set(
  'love loved lovely like liked likes great good awesome amazing wonderful thanks thank thx ty nice cute cool best beautiful happy glad fun funny lol haha pog poggers hype wow yay congrats congratulations proud sweet kind enjoy enjoyed enjoying favourite favorite adorable brilliant excellent perfect welcome hug hugs heart support supported'.split(' '),
);
const NEGATIVE = new Set(
  'hate hated hates bad awful terrible worst boring stupid dumb ugly annoying sucks suck trash garbage cringe angry mad sad disappointed disappointing rude shut idiot cringe lame toxic scam fake horrible disgusting'.split(' '),
);
const NEGATORS = new Set(['not', "don't", 'dont', 'never', "isn't", 'isnt', "wasn't", 'no', "doesn't", 'doesnt', "can't", 'cant']);

/** Lexical sentiment of a chat line in [-1, 1] (word lists with simple negation; not a model). */
export function sentimentOf(text: string): number {
  const words = text.toLowerCase().match(/[a-z']+|<3|:\)|:\(|❤️|😊|😢|😡/g) ?? [];
  let score = 0;
  let hits = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    let s = POSITIVE.has(w) || w === '<3' || w === ':)' || w === '❤️' || w === '😊' ? 1 : NEGATIVE.has(w) || w === ':(' || w === '😢' || w === '😡' ? -1 : 0;
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
