import { describe, expect, it } from 'vitest';
import { isPendingRequest, readMatchNumber } from './pending-request.js';

describe('Pending requests and number matching', () => {
  it('reads the two-digit number shown by the site', () => {
    expect(readMatchNumber('42')).toBe('42');
    expect(readMatchNumber(' 4 2 ')).toBe('42');
    for (const input of ['', '7', '09', '100', 'ab', '４２'])
      expect(readMatchNumber(input)).toBeUndefined();
  });

  it('recognizes a pending request from the service', () => {
    const request = {
      id: 'l1',
      kind: 'payment',
      challenge: '12345678',
      site: null,
      ip: '127.0.0.1',
      createdAt: 1,
      expiresAt: 2,
      payment: { amount: '10', purse: 'Z123456789012' },
    };
    expect(isPendingRequest(request)).toBe(true);
    expect(isPendingRequest({ ...request, kind: 'other' })).toBe(false);
    expect(isPendingRequest({ ...request, id: 1 })).toBe(false);
  });

  it('reads what a relying site adds: operation, note and first time', () => {
    const request = {
      id: 'cf1',
      kind: 'login',
      challenge: '12345678',
      site: 'Keeper Demo',
      ip: '127.0.0.1',
      createdAt: 1,
      expiresAt: 2,
      operation: { type: 'operation', name: 'trust-limit', description: 'Limit 100 WMZ' },
      note: null,
      firstTime: true,
    };
    expect(isPendingRequest(request)).toBe(true);
    expect(isPendingRequest({ ...request, operation: { type: 'transfer' } })).toBe(false);
    expect(isPendingRequest({ ...request, operation: { type: 'operation', name: 7 } })).toBe(false);
    expect(isPendingRequest({ ...request, firstTime: 'yes' })).toBe(false);
    expect(isPendingRequest({ ...request, note: 5 })).toBe(false);
  });

  it('reads the settings a settings change asks for, and refuses malformed ones', () => {
    const request = {
      id: 'ch1',
      kind: 'login',
      challenge: '12345678',
      site: 'Cipherpad settings',
      ip: '127.0.0.1',
      createdAt: 1,
      expiresAt: 2,
    };
    const operation = { type: 'operation', name: 'security-settings' };
    const settings = { method: 'sms', operations: ['login', 'payment'] };
    expect(isPendingRequest({ ...request, operation: { ...operation, settings } })).toBe(true);
    for (const wrong of [
      null,
      'sms',
      { method: 'sms' },
      { method: 3, operations: [] },
      { method: 'sms', operations: [1] },
    ]) {
      expect(
        isPendingRequest({ ...request, operation: { ...operation, settings: wrong } }),
        JSON.stringify(wrong),
      ).toBe(false);
    }
  });
});
