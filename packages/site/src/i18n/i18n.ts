import { en, type MessageKey } from './en.js';
import { formatMessage, type Lang, type Params, pickLang } from './message.js';
import { ru } from './ru.js';

export type { MessageKey } from './en.js';
export type { Lang, Params } from './message.js';

const TABLES = { en, ru } as const;
const STORAGE_KEY = 'cipherpad.lang';

let current: Lang = 'en';

/** A text in a given language (pure: tests and formatting use it). */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return formatMessage(lang, TABLES[lang][key], params);
}

/** A text in the page's current language. */
export function t(key: MessageKey, params?: Params): string {
  return translate(current, key, params);
}

/** The page's current language. */
export function currentLang(): Lang {
  return current;
}

/** Chooses the language at page load: the saved choice, else the browser's. */
export function initLang(): Lang {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private mode, policy): fall back to the browser's language.
  }
  current = pickLang(saved, navigator.languages ?? [navigator.language]);
  document.documentElement.lang = current;
  return current;
}

/** Switches the language and remembers the choice for the next visits. */
export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisted; the switch still applies to this page.
  }
}
