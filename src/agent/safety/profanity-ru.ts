/**
 * Russian mat and its family-friendly replacements, used when spicy_mode is off. Each rule matches
 * a whole word (Unicode letter boundaries: `\b` does not work for Cyrillic) from a mat root with
 * the usual prefixes and endings, so inflected forms are softened too, while ordinary words that
 * merely start with the same letters (худой, художник, хуже, бляха, сукно, мудрый, себе, тебе)
 * stay untouched. Where a common euphemism shares the word's grammar, the root is swapped and the
 * prefix and ending kept (охуенно → офигенно, заебал → задолбал); otherwise the word is replaced.
 */

/** A replacement: fixed text, or built from the match and its capture groups. */
export type Softening = string | ((match: string, groups: ReadonlyArray<string | undefined>) => string);

const B = '(?<![\\p{L}])';
const E = '(?![\\p{L}])';
const rule = (source: string): RegExp => new RegExp(source, 'giu');

/** хуй → фиг, keeping the vowel's grammar: хуйня → фигня, нахуя → нафига, хуёвый → фиговый. */
const HUY_VOWEL: Readonly<Record<string, string>> = { й: '', я: 'а', е: 'е', ё: 'о', ю: 'у', и: 'и' };

/** Endings of сука and what зараза takes in the same case. */
const SUKA_ENDING: Readonly<Record<string, string>> = { а: 'а', и: 'ы', у: 'у', ой: 'ой', е: 'е', ам: 'ам', ами: 'ами', ах: 'ах' };

export const RU_SOFTENINGS: ReadonlyArray<readonly [RegExp, Softening]> = [
  // бля, блять, блядь, бляди, блядский… (not бляха, бляшка)
  [rule(`${B}(?:бля(?:ть|дь)?|бляд\\p{L}*)${E}`), 'блин'],
  // хуй and its family: нахуй, похуй, нихуя, охуеть, охуенный, хуйня, хуёвый, схуяли…
  [
    rule(`${B}(на|ни|по|о|об|с|за|рас|от|до|вы|при|под)?ху([йяеёюи])(\\p{L}*)`),
    (_m, [prefix = '', vowel = '', rest = '']) => `${prefix}фиг${HUY_VOWEL[vowel.toLowerCase()] ?? ''}${rest}`,
  ],
  // пиздец → капец; спиздил → стащил; any other пизд- word (пиздёж, распиздяй) → фигня
  [rule(`${B}(?:с|рас|за|на|вы|от|про|при|по|до|у|об|под)?пиздец(\\p{L}*)`), (_m, [rest = '']) => `капец${rest}`],
  [rule(`${B}спизд(ил|ила|ило|или|ит|ят|ить|ишь)${E}`), (_m, [ending = '']) => `стащ${ending}`],
  [rule(`${B}(?:с|рас|за|на|вы|от|про|при|по|до|у|об|под)?пизд\\p{L}*`), 'фигня'],
  // заебись → зашибись; other еб-/ёб- words swap the root for долб: заебал → задолбал,
  // ебанутый → долбанутый. `с` and `т` are not prefixes here
  // (съебался has its own rule), so себе and тебе never match.
  [rule(`${B}заебись${E}`), 'зашибись'],
  [rule(`${B}съ[её]б\\p{L}*`), 'свалил'],
  [
    rule(`${B}((?:за|на|по|у|вы|до|при|про|о|от|из|раз|под|об)?|(?:от|под|об|раз|из|въ)ъ)[её]б(\\p{L}*)`),
    (_m, [prefix = '', rest = '']) => `${prefix.replace(/ъ$/u, '')}долб${rest}`,
  ],
  // сука, суки, суку… (not сук, сукно, сучок) and сукин
  [rule(`${B}сук(а|и|у|ой|е|ам|ами|ах)${E}`), (_m, [ending = '']) => `зараз${SUKA_ENDING[ending.toLowerCase()] ?? 'а'}`],
  [rule(`${B}сукин${E}`), 'собачий'],
  // мудак, мудила, мудозвон (not мудрый)
  [rule(`${B}(?:мудак|мудач|мудил|мудозвон)\\p{L}*`), 'балбес'],
];
