import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { formatMessage, type Message, pickLang } from './message.js';
import { ru } from './ru.js';

const params = (message: Message) =>
  [
    ...new Set(
      (typeof message === 'string' ? [message] : Object.values(message))
        .join(' ')
        .match(/\{\w+\}/g) ?? [],
    ),
  ].sort();

describe('site texts in English and Russian', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty text', () => {
    for (const table of [en, ru]) {
      for (const [key, message] of Object.entries(table)) {
        const texts = typeof message === 'string' ? [message] : Object.values(message);
        for (const text of texts) expect(text.trim(), key).not.toBe('');
      }
    }
  });

  it('use the same parameters in both languages', () => {
    for (const [key, message] of Object.entries(en)) {
      expect(params(ru[key as keyof typeof en]), key).toEqual(params(message));
    }
  });

  it('give every plural form Russian needs', () => {
    const plural = Object.keys(en).filter(
      (key) => typeof en[key as keyof typeof en] !== 'string',
    ) as (keyof typeof en)[];
    // The site has counted texts (attempts left, blocks left, messages); none may lose its forms.
    expect(plural.length).toBeGreaterThanOrEqual(3);
    const russianPlural = Object.keys(ru).filter(
      (key) => typeof ru[key as keyof typeof ru] !== 'string',
    );
    expect(russianPlural.sort()).toEqual([...plural].sort());
    for (const key of plural) {
      const message = ru[key];
      if (typeof message === 'string') throw new Error(`${key} is not plural in Russian`);
      for (const form of ['one', 'few', 'many', 'other'] as const) {
        expect(message[form], `${key}.${form}`).toBeTypeOf('string');
      }
      // 1, 2 and 5 take Russian's three forms (CLDR: one, few, many).
      expect(formatMessage('ru', message, { n: 1 }), key).toBe(message.one.replace('{n}', '1'));
      expect(formatMessage('ru', message, { n: 2 }), key).toBe(message.few?.replace('{n}', '2'));
      expect(formatMessage('ru', message, { n: 5 }), key).toBe(message.many?.replace('{n}', '5'));
    }
  });

  it('are not left in English in the Russian table', () => {
    const same = Object.keys(en).filter((key) => {
      const a = en[key as keyof typeof en];
      const b = ru[key as keyof typeof en];
      return typeof a === 'string' && a === b && /[a-z]{4}/i.test(a) && a !== 'Cipherpad';
    });
    expect(same).toEqual([]);
  });
});

describe('the block and lock messages', () => {
  const texts = (table: typeof en | typeof ru) =>
    Object.values(table).flatMap((message) =>
      typeof message === 'string' ? [message] : Object.values(message),
    );

  it('send nobody to an account recovery, which the service does not offer yet', () => {
    for (const text of [...texts(en), ...texts(ru)]) expect(text).not.toMatch(/recover|восстанов/i);
  });

  it('say what to do today: wait, approve online in the app, or ask the operator', () => {
    expect(en['err.ERR_ACCOUNT_BLOCKED']).toMatch(/Wait until the block ends/);
    expect(en['err.ERR_ACCOUNT_BLOCKED']).toMatch(
      /approve the request online in the Cipherpad app/,
    );
    expect(ru['err.ERR_ACCOUNT_BLOCKED']).toMatch(/Дождитесь конца блокировки/);
    expect(ru['err.ERR_ACCOUNT_BLOCKED']).toMatch(
      /подтвердите запрос онлайн в приложении Cipherpad/,
    );
    expect(en['err.ERR_ACCOUNT_LOCKED']).toMatch(/approve a sign-in online in the Cipherpad app/);
    expect(en['err.ERR_ACCOUNT_LOCKED']).toMatch(/If no device is left, contact the operator/);
    expect(ru['err.ERR_ACCOUNT_LOCKED']).toMatch(/подтвердите вход онлайн в приложении Cipherpad/);
    expect(ru['err.ERR_ACCOUNT_LOCKED']).toMatch(/обратитесь к оператору/);
  });
});

describe('formatMessage', () => {
  it('fills parameters and keeps unknown ones visible', () => {
    expect(formatMessage('en', 'Rename {name}', { name: 'Pixel' })).toBe('Rename Pixel');
    expect(formatMessage('en', 'Rename {name}')).toBe('Rename {name}');
  });

  it('picks the Russian plural form by n', () => {
    const forms = en['err.attemptsLeft'];
    expect(formatMessage('en', forms, { n: 1 })).toBe('1 attempt left.');
    expect(formatMessage('en', forms, { n: 2 })).toBe('2 attempts left.');
    const ruForms = ru['err.attemptsLeft'];
    expect(formatMessage('ru', ruForms, { n: 1 })).toBe('Осталась 1 попытка.');
    expect(formatMessage('ru', ruForms, { n: 2 })).toBe('Осталось 2 попытки.');
    expect(formatMessage('ru', ruForms, { n: 5 })).toBe('Осталось 5 попыток.');
    expect(formatMessage('ru', ruForms, { n: 21 })).toBe('Осталась 21 попытка.');
  });
});

describe('pickLang', () => {
  it('prefers the saved choice', () => {
    expect(pickLang('ru', ['en-GB'])).toBe('ru');
  });

  it('takes the first browser language the site speaks', () => {
    expect(pickLang(null, ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(pickLang(null, ['en-US', 'ru'])).toBe('en');
  });

  it('falls back to English', () => {
    expect(pickLang('xx', ['fr', 'de'])).toBe('en');
    expect(pickLang(null, [])).toBe('en');
  });
});
