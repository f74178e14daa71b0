import { parseQrUri, type QrLoginRequest, type QrPaymentRequest } from '@cipherpad/core';
import { describe, expect, it } from 'vitest';
import { type Language, translate } from '../i18n/i18n.js';
import type { PendingRequest } from './pending-request.js';
import {
  askerName,
  matchHint,
  operationText,
  summaryRows,
  type Translate,
} from './request-summary.js';
import { scannedDetails } from './scanned-details.js';

const t =
  (language: Language): Translate =>
  (key, params) =>
    translate(language, key, params);

const payment: PendingRequest = {
  id: 'cf1',
  kind: 'payment',
  challenge: '12345678',
  site: 'Keeper Demo',
  ip: '192.0.2.1',
  createdAt: 1,
  expiresAt: 2,
  payment: { amount: '25.5', purse: 'Z123456789012', currency: 'WMZ' },
  operation: { type: 'payment' },
  note: 'Invoice 17',
  firstTime: true,
};

const scanned = (uri: string) => parseQrUri(uri) as QrLoginRequest | QrPaymentRequest;

describe('What a request asks for (PRODUCT.md flows 7 and 11)', () => {
  it('names a named operation in the person’s language', () => {
    const request = { ...payment, kind: 'login' as const, payment: undefined };
    const op = { type: 'operation', name: 'trust-limit' } as const;
    expect(operationText({ ...request, operation: op }, t('en'))).toBe('Opening a trust limit');
    expect(operationText({ ...request, operation: op }, t('ru'))).toBe(
      'Открытие доверительного лимита',
    );
    expect(
      operationText(
        { ...request, operation: { type: 'operation', name: 'personal-data' } },
        t('en'),
      ),
    ).toBe('Change of personal data');
  });

  it('names the security site’s device operations, with the device to deactivate', () => {
    const request = { ...payment, kind: 'login' as const, payment: undefined };
    const add = {
      ...request,
      site: 'Cipherpad settings',
      operation: { type: 'operation', name: 'add-device' },
    } as const;
    expect(operationText(add, t('en'))).toBe('Add a new device');
    expect(operationText(add, t('ru'))).toBe('Добавление нового устройства');
    const off = {
      ...request,
      note: undefined,
      operation: { type: 'operation', name: 'deactivate-device', description: 'Ada’s phone' },
    } as const;
    expect(operationText(off, t('en'))).toBe('Deactivate device “Ada’s phone”');
    expect(summaryRows(off, t('en'), 'Cipherpad settings')).toEqual([
      { part: 'site', label: 'Site', value: 'Cipherpad settings' },
      { part: 'operation', label: 'Operation', value: 'Deactivate device “Ada’s phone”' },
      { part: 'challenge', label: 'Challenge', value: '12345678' },
    ]);
  });

  it('shows an operation name it does not know as the service sent it', () => {
    const request = { ...payment, kind: 'login' as const, payment: undefined };
    expect(
      operationText({ ...request, operation: { type: 'operation', name: 'new-thing' } }, t('en')),
    ).toBe('Operation “new-thing”');
  });

  it('falls back to the kind: a login, or a payment', () => {
    const login = { kind: 'login', site: null, challenge: '12345678' } as const;
    expect(operationText(login, t('en'))).toBe('Login');
    expect(operationText({ ...login, kind: 'payment' }, t('ru'))).toBe('Платёж');
    expect(operationText({ ...login, operation: { type: 'login' } }, t('en'))).toBe('Login');
  });

  it('lists site, operation, amount with currency, recipient, note and challenge, in order', () => {
    expect(summaryRows(payment, t('en'), 'Keeper Demo')).toEqual([
      { part: 'site', label: 'Site', value: 'Keeper Demo' },
      { part: 'operation', label: 'Operation', value: 'Payment' },
      { part: 'amount', label: 'Amount', value: '25.5 WMZ' },
      { part: 'recipient', label: 'Recipient', value: 'Z123456789012' },
      { part: 'note', label: 'Note', value: 'Invoice 17' },
      { part: 'challenge', label: 'Challenge', value: '12345678' },
    ]);
  });

  it('adds the site’s description of a named operation, and no empty rows', () => {
    const rows = summaryRows(
      {
        kind: 'login',
        site: 'Shop',
        challenge: '87654321',
        operation: { type: 'operation', name: 'personal-data', description: 'New address' },
        note: '  ',
      },
      t('ru'),
      'Shop',
    );
    expect(rows.map((row) => [row.part, row.value])).toEqual([
      ['site', 'Shop'],
      ['operation', 'Изменение личных данных'],
      ['description', 'New address'],
      ['challenge', '87654321'],
    ]);
  });
});

describe('What a settings change asks for', () => {
  const change: PendingRequest = {
    id: 'ch1',
    kind: 'login',
    challenge: '12345678',
    site: 'Cipherpad settings',
    ip: '192.0.2.1',
    createdAt: 1,
    expiresAt: 2,
    operation: {
      type: 'operation',
      name: 'security-settings',
      settings: { method: 'sms', operations: ['login', 'trust-limit'] },
    },
  };

  it('says the new method and the operations to confirm, in the person’s language', () => {
    expect(summaryRows(change, t('en'), 'Cipherpad settings')).toEqual([
      { part: 'site', label: 'Site', value: 'Cipherpad settings' },
      { part: 'operation', label: 'Operation', value: 'Change of security settings' },
      { part: 'method', label: 'New confirmation method', value: 'A code by SMS' },
      {
        part: 'operations',
        label: 'Operations to confirm',
        value: 'Login, Opening a trust limit',
      },
      { part: 'challenge', label: 'Challenge', value: '12345678' },
    ]);
    const ru = summaryRows(change, t('ru'), 'Cipherpad settings');
    expect(ru.find((row) => row.part === 'method')?.value).toBe('Код в SMS');
    expect(ru.find((row) => row.part === 'operations')?.value).toBe(
      'Вход, Открытие доверительного лимита',
    );
  });

  it('says when no operation is to be confirmed, and shows a method it does not know as sent', () => {
    const off = {
      ...change,
      operation: { ...change.operation!, settings: { method: 'none', operations: [] } },
    } as const;
    const rows = summaryRows(off, t('en'), 'Cipherpad settings');
    expect(rows.find((row) => row.part === 'method')?.value).toBe('No confirmation');
    expect(rows.find((row) => row.part === 'operations')?.value).toBe('None');
    const later = {
      ...change,
      operation: { ...change.operation!, settings: { method: 'passkey', operations: ['new-op'] } },
    } as const;
    const unknown = summaryRows(later, t('en'), 'Cipherpad settings');
    expect(unknown.find((row) => row.part === 'method')?.value).toBe('passkey');
    expect(unknown.find((row) => row.part === 'operations')?.value).toBe('new-op');
  });
});

describe('What typing the site’s number makes sure of', () => {
  const login = { kind: 'login', site: null, challenge: '12345678' } as const;

  it('says a login for a login', () => {
    expect(matchHint(login, t('en'), 'Cipherpad security site')).toBe(
      'Type the two-digit number the site shows, to be sure this is your login.',
    );
    const relyingLogin = { ...login, site: 'Shop', operation: { type: 'login' } } as const;
    expect(matchHint(relyingLogin, t('en'), 'Shop')).toMatch(/this is your login\.$/);
  });

  it('names the amount and the recipient of a payment', () => {
    expect(matchHint(payment, t('en'), 'Keeper Demo')).toBe(
      'Type the two-digit number the site shows, to be sure this is your payment of 25.5 WMZ to Z123456789012.',
    );
    expect(matchHint(payment, t('ru'), 'Keeper Demo')).toBe(
      'Введите двузначное число с сайта, чтобы убедиться, что это ваш платёж 25.5 WMZ получателю Z123456789012.',
    );
  });

  it('names the site of a relying site’s operation', () => {
    const operation = {
      ...login,
      site: 'Keeper Demo',
      operation: { type: 'operation', name: 'trust-limit' },
    } as const;
    expect(matchHint(operation, t('en'), 'Keeper Demo')).toBe(
      'Type the two-digit number the site shows, to be sure this is the operation you started on Keeper Demo.',
    );
    // A relying site may ask to confirm a change of its own security settings: still its operation.
    const theirs = {
      ...operation,
      operation: { type: 'operation', name: 'security-settings' },
    } as const;
    expect(matchHint(theirs, t('en'), 'Keeper Demo')).toMatch(/started on Keeper Demo\.$/);
  });

  it('says an operation on the person’s own account for a settings change or a device', () => {
    const account = [
      { settings: { method: 'app', operations: [] }, name: 'security-settings' },
      { name: 'add-device' },
      { name: 'deactivate-device', description: 'Ada’s phone' },
    ];
    for (const op of account) {
      const details = {
        ...login,
        site: 'Cipherpad settings',
        operation: { type: 'operation', ...op },
      } as const;
      expect(matchHint(details, t('en'), 'Cipherpad settings'), op.name).toBe(
        'Type the two-digit number the security site shows, to be sure you are the one changing your account.',
      );
      expect(matchHint(details, t('ru'), 'Cipherpad settings'), op.name).toBe(
        'Введите двузначное число с сайта безопасности, чтобы убедиться, что свою учётную запись меняете именно вы.',
      );
    }
  });
});

describe('A payment QR code of the original service (enum:p)', () => {
  const enumPayment = scanned('enum:p?c=12345678&p=z123456789012&a=1%2C50');

  it('says the site is not named in the QR code and the currency is not given', () => {
    const { details } = scannedDetails(enumPayment, []);
    const site = askerName(details.site, enumPayment.server, t('en'));
    expect(summaryRows(details, t('en'), site)).toEqual([
      { part: 'site', label: 'Site', value: 'not named in the QR code' },
      { part: 'operation', label: 'Operation', value: 'Payment' },
      { part: 'amount', label: 'Amount', value: '1.5 (currency not given)' },
      { part: 'recipient', label: 'Recipient', value: 'Z123456789012' },
      { part: 'challenge', label: 'Challenge', value: '12345678' },
    ]);
    const ru = summaryRows(details, t('ru'), askerName(details.site, undefined, t('ru')));
    expect(ru.map((row) => row.value)).toEqual([
      'не указан в QR-коде',
      'Платёж',
      '1.5 (валюта не указана)',
      'Z123456789012',
      '12345678',
    ]);
  });

  it('names the service’s host when the QR code gives the service but no site', () => {
    const withServer = scanned('enum:p?c=12345678&p=Z123456789012&a=2&u=https://cp.example/');
    expect(askerName(undefined, withServer.server, t('en'))).toBe('cp.example');
  });
});
