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
});
