import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { errorMessage, pickLanguage, translate } from './i18n.js';
import { ru } from './ru.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('Texts in English and Russian', () => {
  it('has every text in both languages, with the same placeholders', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(ru[key].trim(), key).not.toBe('');
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('picks the saved language, else the first known browser language, else English', () => {
    expect(pickLanguage('ru', ['en-US'])).toBe('ru');
    expect(pickLanguage(null, ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(pickLanguage(null, ['en-GB'])).toBe('en');
    expect(pickLanguage('fr', ['fr-FR'])).toBe('en');
  });

  it('fills placeholders', () => {
    expect(translate('ru', 'wrongPin', { n: 2 })).toBe(
      'Неверный PIN-код. Осталось попыток до стирания приложения: 2.',
    );
  });

  it('sends nobody to an account recovery, which the service does not offer yet', () => {
    for (const text of [...Object.values(en), ...Object.values(ru)]) {
      expect(text).not.toMatch(/recover|восстанов/i);
    }
  });

  it('says what to do about a block or a lock: wait, approve online here, or ask the operator', () => {
    expect(en.ERR_ACCOUNT_BLOCKED).toMatch(
      /Wait until the block ends, or approve the request online/,
    );
    expect(ru.ERR_ACCOUNT_BLOCKED).toMatch(
      /Дождитесь конца блокировки или подтвердите запрос онлайн/,
    );
    expect(en.ERR_ACCOUNT_LOCKED).toMatch(/Approving a sign-in online in this app unlocks them/);
    expect(en.ERR_ACCOUNT_LOCKED).toMatch(/contact the operator/);
    expect(ru.ERR_ACCOUNT_LOCKED).toMatch(/Подтверждение входа онлайн в этом приложении/);
    expect(ru.ERR_ACCOUNT_LOCKED).toMatch(/обратитесь к оператору/);
  });

  it('explains error codes, with attempts left and waits', () => {
    expect(errorMessage('en', 'ERR_RESPONSE_REJECTED', { attemptsLeft: 2 })).toBe(
      'That is not the number the site shows. Attempts left: 2.',
    );
    expect(errorMessage('ru', 'ERR_RATE_LIMITED_IP', { retryAfter: 30 })).toBe(
      'Слишком много запросов из этой сети. Подождите минуту и попробуйте снова. Повторите через 30 с.',
    );
    expect(errorMessage('en', 'ERR_SOMETHING_NEW')).toBe(en.ERR_UNKNOWN);
  });
});
