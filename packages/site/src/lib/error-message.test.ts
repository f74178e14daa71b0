import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/i18n.js';
import { challengeIsOver, errorMessage } from './error-message.js';

/** The codes of one section of docs/errors.md (its table's first column). */
function documentedCodes(section: string): string[] {
  const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const start = doc.indexOf(`## ${section}`);
  expect(start, section).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  const text = doc.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`/gm)].map((match) => match[1] ?? '');
}

/** Every code the service's table declares (packages/server/src/errors/error-codes.ts). */
function serviceCodes(): string[] {
  const source = readFileSync(
    new URL('../../../server/src/errors/error-codes.ts', import.meta.url),
    'utf8',
  );
  return [...source.matchAll(/^\s+(ERR_[A-Z0-9_]+):/gm)].map((match) => match[1] ?? '');
}

/** Codes of the web API contract (docs/web-api.md). */
const CONTRACT_CODES = ['ERR_CSRF', 'ERR_DEVICE_AUTH'];
const CLIENT_CODES = ['ERR_NETWORK', 'ERR_BAD_RESPONSE'];

describe('error code → message', () => {
  const codes = [
    ...serviceCodes(),
    ...documentedCodes('Service'),
    ...documentedCodes('Protocol'),
    ...CONTRACT_CODES,
    ...CLIENT_CODES,
  ];

  it('reads the codes from docs/errors.md', () => {
    expect(codes).toContain('ERR_RESPONSE_REJECTED');
    expect(codes).toContain('ERR_CHALLENGE_FORMAT');
    expect(codes.length).toBeGreaterThan(35);
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`has a message of its own for every code the site can receive (${lang})`, () => {
      const missing = codes.filter((code) => {
        const text = errorMessage({ code }, lang);
        return text === translate(lang, 'err.unknown', { code }) || text.includes('ERR_');
      });
      expect(missing).toEqual([]);
    });
  }

  it('names an unknown code in the generic message', () => {
    expect(errorMessage({ code: 'ERR_SOMETHING_NEW' }, 'en')).toBe(
      'Something went wrong (error ERR_SOMETHING_NEW).',
    );
    expect(errorMessage({ code: 'ERR_SOMETHING_NEW' }, 'ru')).toBe(
      'Что-то пошло не так (ошибка ERR_SOMETHING_NEW).',
    );
  });

  it('tells the attempts left after a wrong response', () => {
    const error = { code: 'ERR_RESPONSE_REJECTED', details: { attemptsLeft: 2 } };
    expect(errorMessage(error, 'en')).toBe('The response is not correct. 2 attempts left.');
    expect(errorMessage(error, 'ru')).toBe('Ответ неверный. Осталось 2 попытки.');
    expect(errorMessage({ code: 'ERR_CODE_INVALID', details: { attemptsLeft: 1 } }, 'en')).toBe(
      'The code is not correct. 1 attempt left.',
    );
    expect(
      errorMessage({ code: 'ERR_RESPONSE_REJECTED', details: { attemptsLeft: 0 } }, 'en'),
    ).toBe('The response is not correct. No attempts left.');
  });

  it('tells when a blocked account can try again, and warns before a lock', () => {
    const error = {
      code: 'ERR_ACCOUNT_BLOCKED',
      details: { retryAfter: 300, blocksBeforeLock: 2 },
    };
    expect(errorMessage(error, 'en')).toBe(
      'Too many failed attempts: typed responses and codes are blocked for a while. ' +
        'Wait until the block ends, or approve the request online in the Cipherpad app, which ends it at once. ' +
        'Try again in 5 minutes. ' +
        'Careful: after 2 more blocks the account will be locked.',
    );
    expect(errorMessage(error, 'ru')).toBe(
      'Слишком много неудачных попыток: учётная запись временно заблокирована для ввода ответов и кодов. ' +
        'Дождитесь конца блокировки или подтвердите запрос онлайн в приложении Cipherpad — это сразу снимет блокировку. ' +
        'Повторите через 5 минут. ' +
        'Осторожно: ещё 2 блокировки — и учётная запись будет заблокирована окончательно.',
    );
    expect(
      errorMessage(
        { code: 'ERR_ACCOUNT_BLOCKED', details: { retryAfter: 60, blocksBeforeLock: 0 } },
        'en',
      ),
    ).toBe(
      'Too many failed attempts: typed responses and codes are blocked for a while. ' +
        'Wait until the block ends, or approve the request online in the Cipherpad app, which ends it at once. ' +
        'Try again in 60 seconds. ' +
        'Careful: one more failure and the account will be locked.',
    );
  });

  it('ignores details that are not counts', () => {
    expect(
      errorMessage(
        { code: 'ERR_CODE_INVALID', details: { attemptsLeft: 'x', retryAfter: -1 } },
        'en',
      ),
    ).toBe('The code is not correct.');
  });
});

describe('challengeIsOver', () => {
  it('is true when only starting again helps', () => {
    expect(challengeIsOver({ code: 'ERR_CHALLENGE_EXPIRED' })).toBe(true);
    expect(challengeIsOver({ code: 'ERR_CHALLENGE_CLOSED' })).toBe(true);
    expect(challengeIsOver({ code: 'ERR_ACCOUNT_LOCKED' })).toBe(true);
    expect(challengeIsOver({ code: 'ERR_RESPONSE_REJECTED', details: { attemptsLeft: 0 } })).toBe(
      true,
    );
  });

  it('is false while the response can still be typed again', () => {
    expect(challengeIsOver({ code: 'ERR_RESPONSE_REJECTED', details: { attemptsLeft: 1 } })).toBe(
      false,
    );
    expect(challengeIsOver({ code: 'ERR_ACCOUNT_BLOCKED', details: { retryAfter: 60 } })).toBe(
      false,
    );
    expect(challengeIsOver({ code: 'ERR_NETWORK' })).toBe(false);
  });
});
