import { EN, type MessageKey } from './i18n-en.ts';
import { RU } from './i18n-ru.ts';
import { ZH } from './i18n-zh.ts';

export type { MessageKey };
export const LANGUAGES = { en: EN as Record<MessageKey, string>, ru: RU, zh: ZH } as const;
export type Language = keyof typeof LANGUAGES;

let current: Language = 'en';

/** Picks the language: `?lang=`, then the saved choice, then the browser's. */
export function detectLanguage(): Language {
  const fromQuery = new URLSearchParams(location.search).get('lang');
  const saved = (() => {
    try {
      return localStorage.getItem('vtuber.lang');
    } catch {
      return null;
    }
  })();
  for (const cand of [fromQuery, saved, navigator.language.slice(0, 2)]) {
    if (cand && cand in LANGUAGES) return cand as Language;
  }
  return 'en';
}

export function setLanguage(lang: Language): void {
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem('vtuber.lang', lang);
  } catch {
    // Storage can be off (private mode, OBS); the choice then lasts for this page only.
  }
}

export function getLanguage(): Language {
  return current;
}

/** A UI string in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = LANGUAGES[current][key] ?? EN[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Fills every `[data-i18n]` element's text and `[data-i18n-placeholder]` / `[data-i18n-title]` attributes. */
export function translatePage(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset.i18n as MessageKey);
  });
  root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]').forEach((el) => {
    el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder as MessageKey));
  });
  root.querySelectorAll<HTMLElement>('[data-i18n-title]').forEach((el) => {
    el.setAttribute('title', t(el.dataset.i18nTitle as MessageKey));
  });
}
