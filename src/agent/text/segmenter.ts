import { OTHER_ABBREVIATIONS, TITLE_ABBREVIATIONS } from './abbreviations.ts';

export interface SegmenterOptions {
  /** BCP 47 locale for word boundaries. */
  locale: string;
  /** The first piece is cut after this many words when no clause boundary came earlier. */
  firstClauseMaxWords: number;
  /** A piece longer than this is cut at its last comma or space. */
  maxSegmentChars: number;
}

/** One cut piece of the reply; `start`/`end` are offsets in the whole text pushed so far. */
export interface TextPiece {
  text: string;
  start: number;
  end: number;
}

const segmenters = new Map<string, Intl.Segmenter>();
/** Intl.Segmenter is costly to build and stateless to use: one per locale. */
function wordSegmenter(locale: string): Intl.Segmenter {
  let seg = segmenters.get(locale);
  if (!seg) {
    seg = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, seg);
  }
  return seg;
}

const CLAUSE_PUNCT = new Set([',', ';', ':']);
const DASHES = new Set(['—', '–']);
const TERMINATORS = new Set(['.', '!', '?', '…']);
/** Full-width terminators end a sentence without a following space (CJK). */
const WIDE_TERMINATORS = new Set(['。', '！', '？']);
const WIDE_CLAUSE = new Set(['、', '，', '；']);
const CLOSERS = new Set(['"', "'", '”', '’', '»', ')', ']', '」', '』']);
const WS = /\s/u;
const LOWER = /\p{Ll}/u;
const LETTER = /[\p{L}\p{N}.-]/u;

/**
 * Cuts a streamed reply into speakable pieces: the first piece at the first clause boundary (a
 * comma, a dash, or about N words) so speech can start early, then whole sentences. A boundary is
 * only taken once the text after it proves it (a space after the period; the next word's case
 * after an abbreviation), so pieces never change after they are handed out.
 */
export class StreamSegmenter {
  private buf = '';
  /** Offset of `buf[0]` in the whole text. */
  private base = 0;
  private pieces = 0;
  private readonly words: Intl.Segmenter;

  constructor(private readonly opts: SegmenterOptions) {
    this.words = wordSegmenter(opts.locale);
  }

  /** Total characters pushed so far (tag positions are measured in this). */
  get length(): number {
    return this.base + this.buf.length;
  }

  push(text: string): TextPiece[] {
    this.buf += text;
    const out: TextPiece[] = [];
    for (let guard = 0; guard < 1000; guard++) {
      const cut = this.pieces === 0 ? this.findFirstCut() : this.findSentenceCut();
      if (cut === undefined) break;
      this.take(cut, out);
    }
    return out;
  }

  /** Everything left, as the last piece (if it holds any speakable text). */
  flush(): TextPiece[] {
    const out: TextPiece[] = [];
    this.take(this.buf.length, out);
    return out;
  }

  private take(cut: number, out: TextPiece[]): void {
    const raw = this.buf.slice(0, cut);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (/[\p{L}\p{N}]/u.test(text)) {
      out.push({ text, start: this.base + lead, end: this.base + lead + text.length });
      this.pieces++;
    }
    this.buf = this.buf.slice(cut);
    this.base += cut;
  }

  private findFirstCut(): number | undefined {
    const buf = this.buf;
    let wordEnds = 0;
    let clauseCut: number | undefined;
    for (let i = 0; i < buf.length; i++) {
      const ch = buf[i] as string;
      const next = buf[i + 1];
      if (WIDE_TERMINATORS.has(ch) || WIDE_CLAUSE.has(ch)) {
        clauseCut = this.afterClosers(i + 1);
        break;
      }
      if (DASHES.has(ch) && this.hasWordBefore(i)) {
        clauseCut = i;
        break;
      }
      if (ch === '-' && next !== undefined && WS.test(next) && i > 0 && WS.test(buf[i - 1] as string)) {
        clauseCut = i;
        break;
      }
      if (CLAUSE_PUNCT.has(ch) || TERMINATORS.has(ch)) {
        if (next === undefined) break;
        const end = this.afterClosers(i + 1);
        if (end >= buf.length) break;
        if (!WS.test(buf[end] as string)) continue;
        if (ch === '.' && this.isAbbreviationAt(i)) {
          const verdict = this.abbreviationEndsSentence(i, end);
          if (verdict === undefined) return undefined;
          if (!verdict) continue;
        }
        clauseCut = end;
        break;
      }
      if (WS.test(ch) && i > 0 && !WS.test(buf[i - 1] as string)) wordEnds = this.countWords(buf.slice(0, i));
      if (wordEnds >= this.opts.firstClauseMaxWords) return i;
    }
    if (clauseCut !== undefined) return clauseCut;
    return buf.length > this.opts.maxSegmentChars ? this.fallbackCut() : undefined;
  }

  private findSentenceCut(): number | undefined {
    const buf = this.buf;
    for (let i = 0; i < buf.length; i++) {
      const ch = buf[i] as string;
      if (ch === '\n' && /[\p{L}\p{N}]/u.test(buf.slice(0, i))) return i;
      if (WIDE_TERMINATORS.has(ch)) return this.afterClosers(i + 1);
      if (!TERMINATORS.has(ch)) continue;
      let runEnd = i + 1;
      while (runEnd < buf.length && TERMINATORS.has(buf[runEnd] as string)) runEnd++;
      const run = buf.slice(i, runEnd);
      const end = this.afterClosers(runEnd);
      if (end >= buf.length) return this.overLimit();
      if (!WS.test(buf[end] as string)) {
        i = end - 1;
        continue;
      }
      if (run === '.' && this.isAbbreviationAt(i)) {
        const verdict = this.abbreviationEndsSentence(i, end);
        if (verdict === undefined) return this.overLimit();
        if (!verdict) {
          i = end - 1;
          continue;
        }
      } else if (/^[.…]+$/u.test(run) && run !== '.') {
        // "well... maybe" goes on: a lower-case word after the dots continues the sentence.
        const nextChar = this.nextNonSpace(end);
        if (nextChar === undefined) return this.overLimit();
        if (LOWER.test(nextChar)) {
          i = end - 1;
          continue;
        }
      }
      return end;
    }
    return this.overLimit();
  }

  private overLimit(): number | undefined {
    return this.buf.length > this.opts.maxSegmentChars ? this.fallbackCut() : undefined;
  }

  /** Cuts an over-long piece at its last clause mark, else its last space, within the limit. */
  private fallbackCut(): number {
    const window = this.buf.slice(0, this.opts.maxSegmentChars);
    const clause = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '), window.lastIndexOf(' — '), window.lastIndexOf('，'));
    if (clause > 0) return clause + 1;
    const space = window.lastIndexOf(' ');
    return space > 0 ? space : this.opts.maxSegmentChars;
  }

  private afterClosers(at: number): number {
    let end = at;
    while (end < this.buf.length && CLOSERS.has(this.buf[end] as string)) end++;
    return end;
  }

  private nextNonSpace(from: number): string | undefined {
    for (let i = from; i < this.buf.length; i++) {
      const ch = this.buf[i] as string;
      if (!WS.test(ch)) return ch;
    }
    return undefined;
  }

  private hasWordBefore(at: number): boolean {
    return /[\p{L}\p{N}]/u.test(this.buf.slice(0, at));
  }

  /** The word that ends with the period at `dot`, lower case, inner periods kept. */
  private wordBefore(dot: number): string {
    let start = dot;
    while (start > 0 && LETTER.test(this.buf[start - 1] as string)) start--;
    return this.buf.slice(start, dot).toLowerCase().replace(/^[.-]+/, '');
  }

  private isAbbreviationAt(dot: number): boolean {
    const word = this.wordBefore(dot);
    if (word.length === 0) return false;
    if (TITLE_ABBREVIATIONS.has(word) || OTHER_ABBREVIATIONS.has(word)) return true;
    // A single letter is an initial ("J. K. Rowling"), except the English pronoun.
    return word.length === 1 && /\p{L}/u.test(word) && word !== 'i' && word !== 'я';
  }

  /** true/false once the next word is visible; undefined while it is not yet. */
  private abbreviationEndsSentence(dot: number, end: number): boolean | undefined {
    const word = this.wordBefore(dot);
    if (TITLE_ABBREVIATIONS.has(word) || word.length === 1) return false;
    const nextChar = this.nextNonSpace(end);
    if (nextChar === undefined) return undefined;
    return !LOWER.test(nextChar) && /[\p{Lu}]/u.test(nextChar);
  }

  private countWords(text: string): number {
    let n = 0;
    for (const s of this.words.segment(text)) if (s.isWordLike) n++;
    return n;
  }
}
