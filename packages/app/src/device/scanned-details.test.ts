import { parseQrUri, type QrLoginRequest, type QrPaymentRequest } from '@cipherpad/core';
import { describe, expect, it } from 'vitest';
import { type Language, translate } from '../i18n/i18n.js';
import type { PendingRequest } from './pending-request.js';
import { operationText, type Translate } from './request-summary.js';
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

describe('A scanned QR code against the service’s pending request', () => {
  const uri =
    'cipherpad:p?c=12345678&p=Z123456789012&a=25,50&cur=WMZ&s=Keeper%20Demo&i=cf1&u=https://cp.example/';

  it('takes the operation, note and first-time mark from the service when all agree', () => {
    const result = scannedDetails(scanned(uri), [payment]);
    expect(result.mismatch).toBe(false);
    expect(result.pending?.id).toBe('cf1');
    expect(result.details.note).toBe('Invoice 17');
    expect(result.details.firstTime).toBe(true);
    expect(result.details.payment).toEqual({
      amount: '25.5',
      purse: 'Z123456789012',
      currency: 'WMZ',
    });
  });

  it('shows the QR code alone when the service has not sent the request', () => {
    const result = scannedDetails(scanned(uri), []);
    expect(result).toEqual({
      details: {
        kind: 'payment',
        site: 'Keeper Demo',
        challenge: '12345678',
        payment: { amount: '25.5', purse: 'Z123456789012', currency: 'WMZ' },
      },
      pending: undefined,
      mismatch: false,
    });
  });

  it('accepts the same purse written without its letter', () => {
    const request = { ...payment, payment: { amount: '25.50', purse: '123456789012' } };
    expect(scannedDetails(scanned(uri), [request]).mismatch).toBe(false);
  });

  it('refuses to merge when the amount, recipient, site, challenge or kind differ', () => {
    const variants: PendingRequest[] = [
      { ...payment, payment: { amount: '2550', purse: 'Z123456789012', currency: 'WMZ' } },
      { ...payment, payment: { amount: '25.5', purse: 'Z123456789013', currency: 'WMZ' } },
      { ...payment, payment: { amount: '25.5', purse: 'Z123456789012', currency: 'WME' } },
      { ...payment, payment: undefined },
      { ...payment, site: 'Another Shop' },
      { ...payment, challenge: '12345679' },
      { ...payment, kind: 'login' },
    ];
    for (const variant of variants) {
      const result = scannedDetails(scanned(uri), [variant]);
      expect(result.mismatch, JSON.stringify(variant)).toBe(true);
      // What stays on screen is what the QR code says, from which the response is computed.
      expect(result.details.payment?.amount).toBe('25.5');
      expect(result.details.firstTime).toBeUndefined();
    }
  });

  it('matches a login QR code by id and keeps the named operation', () => {
    const login: PendingRequest = {
      ...payment,
      kind: 'login',
      payment: undefined,
      note: undefined,
      operation: { type: 'operation', name: 'security-settings' },
      firstTime: false,
    };
    const result = scannedDetails(scanned('cipherpad:l?c=12345678&s=Keeper%20Demo&i=cf1'), [login]);
    expect(result.mismatch).toBe(false);
    expect(operationText(result.details, t('en'))).toBe('Change of security settings');
    expect(result.details.firstTime).toBeUndefined();
  });
});
