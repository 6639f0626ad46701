/**
 * Words that end with a period without ending the sentence. Titles never end a sentence; the
 * others only do when the next word starts with a capital letter.
 * Lower case, without the final period; inner periods kept (`e.g`, `т.е`).
 */
export const TITLE_ABBREVIATIONS: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'capt', 'gen', 'lt', 'sgt', 'rev', 'hon',
  // Russian: господин, госпожа, имени, улица, дом, профессор, товарищ
  'г', 'гн', 'г-н', 'г-жа', 'им', 'ул', 'д', 'проф', 'тов', 'акад',
]);

export const OTHER_ABBREVIATIONS: ReadonlySet<string> = new Set([
  'etc', 'e.g', 'i.e', 'vs', 'approx', 'dept', 'est', 'fig', 'inc', 'ltd', 'co', 'no', 'vol', 'p', 'pp', 'cf', 'al', 'a.m', 'p.m', 'u.s', 'u.k',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'т.е', 'т.д', 'т.п', 'т.к', 'т.н', 'и.т.д', 'и.т.п', 'гг', 'вв', 'см', 'стр', 'напр', 'др', 'тыс', 'млн', 'млрд', 'руб', 'коп', 'мин', 'сек', 'пр',
]);
