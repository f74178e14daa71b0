import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/i18n.js';
import {
  type ConfirmPage,
  confirmStep,
  consentAction,
  finalMessage,
  OPERATIONS,
  operationFacts,
  operationName,
  pagePath,
  readPageAddress,
} from './confirm-page.js';

const TOKEN = 'A'.repeat(43);

const page: ConfirmPage = {
  id: 'cf1',
  status: 'pending',
  site: { name: 'Keeper Demo' },
  operation: {
    type: 'payment',
    amount: '25.5',
    currency: 'WMZ',
    purse: 'Z123456789012',
    note: 'Invoice 17',
  },
  email: 'ada@example.com',
  hasAccount: true,
  bound: true,
  consented: true,
  signedInAsOwner: false,
  expiresAt: 1,
  mode: 'payment',
  challenge: '12345678',
  uri: 'cipherpad:p?c=12345678&p=Z123456789012&a=25.5&cur=WMZ',
  matchNumber: '47',
};

describe('confirmation page address', () => {
  it('reads the id and the token from confirmUrl', () => {
    expect(readPageAddress(`?id=cf1&token=${TOKEN}`, () => null)).toEqual({
      id: 'cf1',
      token: TOKEN,
    });
  });

  it('takes the token kept in the tab when the address has only the id', () => {
    const stored = (id: string) => (id === 'cf1' ? TOKEN : null);
    expect(readPageAddress('?id=cf1', stored)).toEqual({ id: 'cf1', token: TOKEN });
    expect(readPageAddress('?id=cf2', stored)).toBeNull();
  });

  it('refuses a missing or malformed id or token', () => {
    for (const search of ['', `?token=${TOKEN}`, '?id=cf1&token=short', `?id=a/b&token=${TOKEN}`]) {
      expect(
        readPageAddress(search, () => null),
        search,
      ).toBeNull();
    }
  });

  it('leaves the token out of its own path', () => {
    expect(pagePath('cf_1-A')).toBe('/confirm.html?id=cf_1-A');
  });
});

describe('confirmation page steps (PRODUCT.md flow 3)', () => {
  it('offers registration when the email has no account', () => {
    expect(confirmStep({ ...page, hasAccount: false, bound: false, challenge: undefined })).toBe(
      'register',
    );
  });

  it('waits for the app’s activation until the challenge is bound to the new account', () => {
    expect(confirmStep({ ...page, bound: false, challenge: undefined })).toBe('activate');
  });

  it('shows the challenge once bound, and the final status once no longer pending', () => {
    expect(confirmStep(page)).toBe('challenge');
    for (const status of ['confirmed', 'denied', 'expired', 'failed'] as const) {
      expect(confirmStep({ ...page, status })).toBe('final');
      expect(
        translate('en', finalMessage(status) ?? 'confirm.checkAgain', { site: 'X' }),
      ).toContain('X');
    }
    expect(finalMessage('pending')).toBeNull();
  });

  it('asks for consent with a button, a sign-in, or a note about the other account', () => {
    expect(consentAction(page, false)).toBe('none');
    const asking = { ...page, consented: false };
    expect(consentAction({ ...asking, signedInAsOwner: true }, true)).toBe('allow');
    expect(consentAction(asking, false)).toBe('sign-in');
    expect(consentAction(asking, true)).toBe('other-account');
  });
});

describe('what the site asks for', () => {
  it('lists a payment’s amount with currency, recipient purse and note', () => {
    expect(operationFacts(page, 'en').map((f) => [f.part, f.value])).toEqual([
      ['site', 'Keeper Demo'],
      ['operation', 'Payment'],
      ['amount', '25.5 WMZ'],
      ['recipient', 'Z123456789012'],
      ['note', 'Invoice 17'],
      ['account', 'ada@example.com'],
    ]);
  });

  it('names every operation in English and Russian, and an unknown one as sent', () => {
    for (const name of OPERATIONS) {
      for (const lang of ['en', 'ru'] as const) {
        const text = operationName({ type: 'operation', name }, lang);
        expect(text, `${lang} ${name}`).not.toMatch(/confirm\.op|{name}/);
      }
    }
    expect(operationName({ type: 'operation', name: 'trust-limit' }, 'ru')).toBe(
      'Открытие доверительного лимита',
    );
    expect(operationName({ type: 'operation', name: 'new-thing' }, 'en')).toBe(
      'Operation “new-thing”',
    );
    expect(operationName({ type: 'login' }, 'ru')).toBe('Вход');
  });

  it('adds the site’s description of a named operation', () => {
    const facts = operationFacts(
      {
        ...page,
        operation: { type: 'operation', name: 'personal-data', description: 'New address' },
      },
      'en',
    );
    expect(facts.map((f) => f.part)).toEqual(['site', 'operation', 'description', 'account']);
    expect(facts[1]?.value).toBe('Change of personal data');
  });
});
