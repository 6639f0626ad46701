import { stemmer as russianStem } from '@orama/stemmers/russian';
import { normalize, type Embedder } from './embedder.ts';

const WORD_RE = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

/**
 * The built-in offline embedder: feature hashing of words, word bigrams and character 3/4-grams
 * into a fixed-size signed vector. It is lexical, not semantic: "cat" matches "cats" and
 * "Biscuit" matches "biscuit", but "kitten" does not match "cat". It needs no download and
 * embeds a sentence in microseconds, which is why it is the default. Cyrillic words go through the
 * Snowball Russian stemmer, so "кошка", "кошку" and "кошкой" meet as they would in English.
 */
export class HashedEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dimensions: number = 384) {
    // v2: Russian words are stemmed and Russian stopwords weighted down (stored memories re-embed).
    this.id = `hashed-ngram-v2:${dimensions}`;
  }

  async init(): Promise<void> {
    // Nothing to load.
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): number[] {
    const vec = new Array<number>(this.dimensions).fill(0);
    const words = (text.toLowerCase().normalize('NFKC').match(WORD_RE) ?? []).map((w) => stem(w));
    const add = (feature: string, weight: number): void => {
      const h = fnv1a(feature);
      const idx = h % this.dimensions;
      vec[idx] = (vec[idx] ?? 0) + ((h >>> 31) & 1 ? -weight : weight);
    };
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      const weight = STOPWORDS.has(w) ? 0.15 : 1;
      add(`w:${w}`, weight);
      if (i + 1 < words.length) add(`b:${w} ${words[i + 1] as string}`, 0.5 * weight);
      if (weight === 1 && w.length > 3) {
        const padded = `<${w}>`;
        for (let n = 3; n <= 4; n++) for (let j = 0; j + n <= padded.length; j++) add(`c${n}:${padded.slice(j, j + n)}`, 0.25);
      }
    }
    return normalize(vec);
  }

  async dispose(): Promise<void> {
    // Nothing held.
  }
}

const CYRILLIC = /\p{Script=Cyrillic}/u;

/** A tiny suffix stripper so plurals and -ing forms meet (still lexical); Russian words get Snowball. */
function stem(raw: string): string {
  if (CYRILLIC.test(raw)) {
    const w = raw.replace(/ё/g, 'е');
    return STOPWORDS.has(w) ? w : russianStem(w);
  }
  const word = raw.endsWith("'s") ? raw.slice(0, -2) : raw;
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const STOPWORDS: ReadonlySet<string> = new Set(
  ('а и но или не ни что чтобы как я ты он она оно мы вы они мой моя мою мое мои твой твоя твою твое меня мне мной тебя тебе тобой его ее их у в во на с со к ко по за из от до о об про для это этот эта эти то та те же ли бы вот ну да нет уже еще так тоже очень там тут где когда кто ' +
  'a an the and or but if of to in on at by for with from as is are was were be been am i me my mine you your we our us he she it its they them their this that these those what which who whom how why when where do does did have has had not no so too very can could will would should just also there here about into over then than').split(' '),
);
