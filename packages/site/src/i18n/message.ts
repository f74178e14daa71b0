/**
 * One text of the site: a plain string with `{name}` parameters, or plural
 * forms chosen by the number in the parameter `n` (CLDR categories, as
 * `Intl.PluralRules` names them: English uses one/other, Russian one/few/many).
 */
export type Message =
  | string
  | { readonly one: string; readonly few?: string; readonly many?: string; readonly other: string };

/** The languages of the site. */
export type Lang = 'en' | 'ru';

/** The languages, in the order the switch offers them. */
export const LANGS: readonly Lang[] = ['en', 'ru'];

/** Values put into a message's `{name}` parameters. */
export type Params = Readonly<Record<string, string | number>>;

/**
 * Fills a message's parameters, picking the plural form by `params.n`.
 *
 * @example formatMessage('ru', { one: '{n} попытка', few: '{n} попытки', many: '{n} попыток', other: '{n} попытки' }, { n: 5 }) // '5 попыток'
 */
export function formatMessage(lang: Lang, message: Message, params: Params = {}): string {
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const n = Number(params.n ?? 0);
    const category = new Intl.PluralRules(lang).select(n);
    text =
      (category === 'one' || category === 'few' || category === 'many'
        ? message[category]
        : undefined) ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/**
 * The language to show: the saved choice, else the first of the browser's
 * languages the site speaks, else English.
 */
export function pickLang(saved: string | null, browser: readonly string[]): Lang {
  if (saved === 'en' || saved === 'ru') return saved;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'ru') return base;
  }
  return 'en';
}
