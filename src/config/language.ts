/** The primary subtag of a BCP 47 language tag, lower case: `ru-RU` → `ru`, `en_GB` → `en`. */
export function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}
