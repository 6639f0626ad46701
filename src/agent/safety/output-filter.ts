import { SLUR_PATTERNS, SOFTENINGS } from './word-lists.ts';

export interface FilterResult {
  text: string;
  /** The text held a slur: it must not be spoken; say the deflection instead. */
  blocked: boolean;
  /** How many profanities were softened. */
  softened: number;
}

const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '@': 'a', $: 's', '5': 's', '7': 't' };

/** Lower case, leetspeak undone, separators inside words removed (`n.i.g` → `nig`). */
export function normalizeForMatching(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[0134@$57]/g, (c) => LEET[c] ?? c)
    .replace(/(?<=\p{L})[.\-_*](?=\p{L})/gu, '');
}

/**
 * The platform-rules filter every segment passes before speech: slurs block the reply (the caller
 * speaks a short deflection instead); with spicy_mode off, profanity is softened.
 */
export class OutputFilter {
  constructor(private readonly spicy: boolean) {}

  apply(text: string): FilterResult {
    const normalized = normalizeForMatching(text);
    if (SLUR_PATTERNS.some((re) => re.test(normalized))) return { text: '', blocked: true, softened: 0 };
    if (this.spicy) return { text, blocked: false, softened: 0 };
    let softened = 0;
    let out = text;
    for (const [re, replacement] of SOFTENINGS) {
      out = out.replace(re, (match: string, ...args: unknown[]) => {
        softened++;
        // replace() passes the capture groups, then the offset and the whole string.
        const groups = args.slice(0, -2) as Array<string | undefined>;
        return matchCase(match, typeof replacement === 'string' ? replacement : replacement(match, groups));
      });
    }
    return { text: out, blocked: false, softened };
  }
}

function matchCase(original: string, replacement: string): string {
  if (original.length > 1 && original === original.toUpperCase() && original !== original.toLowerCase()) return replacement.toUpperCase();
  const first = original[0] ?? '';
  if (first !== first.toLowerCase() && first === first.toUpperCase()) return replacement[0]?.toUpperCase() + replacement.slice(1);
  return replacement;
}
