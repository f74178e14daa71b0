import { en } from './en.js';
import { ru } from './ru.js';

/** The languages of the app. */
export type Language = 'en' | 'ru';

/** A key of the app's texts. */
export type MessageKey = keyof typeof en;

const TEXTS: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en, ru };

/**
 * The language to start in: the one the person chose before, else the first of the browser's
 * languages the app has, else English.
 *
 * @example
 * ```ts
 * pickLanguage(null, ['ru-RU', 'en']); // 'ru'
 * ```
 */
export function pickLanguage(saved: string | null, preferred: readonly string[]): Language {
  if (saved === 'en' || saved === 'ru') return saved;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'ru' || primary === 'en') return primary;
  }
  return 'en';
}

/** A text in `language`, with `{name}` placeholders filled from `params`. */
export function translate(
  language: Language,
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return TEXTS[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether the app has a text for `key` (an error code from the service may be new to it). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/**
 * The message for an error code in `language`, with the refusal's `attemptsLeft` and
 * `retryAfter` when the service gave them. Unknown codes get a general message.
 */
export function errorMessage(
  language: Language,
  code: string,
  details: Readonly<Record<string, unknown>> = {},
): string {
  const parts = [translate(language, isMessageKey(code) ? code : 'ERR_UNKNOWN', toParams(details))];
  if (typeof details.attemptsLeft === 'number') {
    parts.push(translate(language, 'attemptsLeftSuffix', { n: details.attemptsLeft }));
  }
  if (typeof details.retryAfter === 'number') {
    parts.push(translate(language, 'retryAfterSuffix', { n: Math.ceil(details.retryAfter) }));
  }
  return parts.join(' ');
}

function toParams(details: Readonly<Record<string, unknown>>): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(details)) {
    if (typeof value === 'string' || typeof value === 'number') params[name] = value;
  }
  return params;
}
