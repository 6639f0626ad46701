import { RU_SOFTENINGS, type Softening } from './profanity-ru.ts';

/**
 * Slur stems that are never spoken, whatever spicy_mode says (matched on a normalized, de-leeted
 * copy of the text, at word starts). Kept short on purpose: extend it per platform rules.
 */
export const SLUR_PATTERNS: readonly RegExp[] = [
  /(?<![\p{L}])n[i1]gg(?:er|a|ah|az|ers)\b/u,
  /(?<![\p{L}])f[a4]gg?(?:ot|ots|y)?\b/u,
  /(?<![\p{L}])k[i1]kes?\b/u,
  /(?<![\p{L}])sp[i1]cs?\b/u,
  /(?<![\p{L}])tr[a4]nn(?:y|ies)\b/u,
  /(?<![\p{L}])retard(?:s|ed)?\b/u,
  /(?<![\p{L}])wetbacks?\b/u,
  /(?<![\p{L}])coons?\b/u,
  /(?<![\p{L}])пид[оа]р\p{L}*/u,
  /(?<![\p{L}])хач\p{L}*/u,
  /(?<![\p{L}])жид(?:ы|ов|овск\p{L}*)?(?![\p{L}])/u,
  /(?<![\p{L}])черножоп\p{L}*/u,
];

/** Profanity and its family-friendly replacement, used when spicy_mode is off. */
export const SOFTENINGS: ReadonlyArray<readonly [RegExp, Softening]> = [
  [/\bmotherf\w*/giu, 'mother-trucker'],
  [/\bfuck(?:ing|in)\b/giu, 'freaking'],
  [/\bfuck(?:ed)?\b/giu, 'frick'],
  [/\bfuck\w*/giu, 'frick'],
  [/\bbullshit\b/giu, 'nonsense'],
  [/\bshit(?:ty)?\b/giu, 'shoot'],
  [/\bshit\w*/giu, 'shoot'],
  [/\bgoddamn\w*/giu, 'gosh darn'],
  [/\bdamn(?:ed|it)?\b/giu, 'dang'],
  [/\bass(?:hole|holes)\b/giu, 'jerk'],
  [/\bbitch(?:es|y)?\b/giu, 'meanie'],
  [/\bbastards?\b/giu, 'rascal'],
  [/\bdick(?:head)?s?\b/giu, 'jerk'],
  [/\bpiss(?:ed)?\b/giu, 'ticked'],
  ...RU_SOFTENINGS,
];
