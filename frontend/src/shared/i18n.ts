import { EN, type MessageKey } from './i18n-en.ts';
import { RU } from './i18n-ru.ts';
import { ZH } from './i18n-zh.ts';

export type { MessageKey };
export const LANGUAGES = { en: EN as Record<MessageKey, string>, ru: RU, zh: ZH } as const;
export type Language = keyof typeof LANGUAGES;

let current: Language = 'en';

function asLanguage(tag: string | null | undefined): Language | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && Object.hasOwn(LANGUAGES, primary) ? (primary as Language) : undefined;
}

/** The language the viewer chose: `?lang=`, then the choice saved by the language menu. */
export function chosenLanguage(): Language | undefined {
  const fromQuery = asLanguage(new URLSearchParams(location.search).get('lang'));
  if (fromQuery) return fromQuery;
  try {
    return asLanguage(localStorage.getItem('vtuber.lang'));
  } catch {
    return undefined;
  }
}

/**
 * Picks the language: the viewer's choice, then the daemon's UI language (`frontend.language`, or
 * the character's language when that is empty), then the browser's, then English.
 */
export function detectLanguage(daemonLanguage?: string): Language {
  return chosenLanguage() ?? asLanguage(daemonLanguage) ?? asLanguage(navigator.language) ?? 'en';
}

/** Switches the page language; `remember` saves it as the viewer's choice (the language menu). */
export function setLanguage(lang: Language, remember = false): void {
  current = lang;
  document.documentElement.lang = lang;
  if (!remember) return;
  try {
    localStorage.setItem('vtuber.lang', lang);
  } catch {
    // Storage can be off (private mode, OBS); the choice then lasts for this page only.
  }
}

/**
 * Once `/api/frontend-config` has answered: the daemon's UI language (the character's unless
 * `frontend.language` says otherwise) replaces the browser's, unless the viewer chose one. Translates
 * the page again; true when it did, so the caller refreshes what it renders itself.
 */
export function followDaemonLanguage(daemonLanguage: string | undefined): boolean {
  if (!daemonLanguage || chosenLanguage()) return false;
  setLanguage(detectLanguage(daemonLanguage));
  translatePage();
  return true;
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
