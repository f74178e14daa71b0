import { describe, expect, it } from 'vitest';
import { errorTextIn } from '../../web/lib/i18n.js';

describe("the keeper pages' block and lock messages", () => {
  const codes = ['ERR_ACCOUNT_BLOCKED', 'ERR_ACCOUNT_LOCKED'];

  it('send nobody to an account recovery, which Cipherpad does not offer yet', () => {
    for (const lang of ['en', 'ru'] as const) {
      for (const code of codes) {
        const text = errorTextIn(lang, code, { retryAfter: 60 });
        expect(text, `${lang} ${code}`).not.toBeNull();
        expect(text).not.toMatch(/recover|восстанов/i);
      }
    }
  });

  it('say what to do today: wait, approve online in the app, or ask the operator', () => {
    expect(errorTextIn('en', 'ERR_ACCOUNT_BLOCKED', { retryAfter: 60 })).toBe(
      'Too many failures: typed responses and codes are blocked. Try again in 60 s, or approve online in the Cipherpad app, which ends the block at once.',
    );
    expect(errorTextIn('ru', 'ERR_ACCOUNT_BLOCKED', { retryAfter: 60 })).toBe(
      'Слишком много ошибок: ввод ответов и кодов заблокирован. Повторите через 60 с или подтвердите онлайн в приложении Cipherpad — это сразу снимет блокировку.',
    );
    expect(errorTextIn('en', 'ERR_ACCOUNT_LOCKED')).toMatch(
      /approve a sign-in online in the Cipherpad app on an activated device; if no device is left, contact the operator/,
    );
    expect(errorTextIn('ru', 'ERR_ACCOUNT_LOCKED')).toMatch(
      /подтвердите вход онлайн в приложении Cipherpad на активированном устройстве; если устройств не осталось, обратитесь к оператору/,
    );
  });
});
