import { describe, expect, it } from 'vitest';
import { isOwnServer, readQrText } from './read-qr-text.js';

describe('Reading a scanned QR code', () => {
  it('reads Cipherpad and E-num logins and payments', () => {
    expect(readQrText('cipherpad:l?c=12345678')).toEqual({
      kind: 'answer',
      request: { kind: 'login', challenge: '12345678' },
    });
    expect(readQrText('ENUM:p?c=12345678&p=z123456789012&a=1%2C50')).toEqual({
      kind: 'answer',
      request: { kind: 'payment', challenge: '12345678', purse: 'Z123456789012', amount: '1.5' },
    });
    expect(
      readQrText(
        'cipherpad:p?c=12345678&p=Z123456789012&a=25&cur=WMZ&s=Keeper%20Demo&i=req_1&u=https://cipherpad.example/',
      ),
    ).toEqual({
      kind: 'answer',
      request: {
        kind: 'payment',
        challenge: '12345678',
        purse: 'Z123456789012',
        amount: '25',
        currency: 'WMZ',
        site: 'Keeper Demo',
        id: 'req_1',
        server: 'https://cipherpad.example/',
      },
    });
  });

  it('reads an activation QR code', () => {
    expect(
      readQrText(
        'cipherpad:activate?email=ann%40example.test&code=12345678&server=http://127.0.0.1:8080',
      ),
    ).toEqual({
      kind: 'activate',
      request: {
        kind: 'activate',
        email: 'ann@example.test',
        code: '12345678',
        server: 'http://127.0.0.1:8080/',
      },
    });
  });

  it('tells a QR code of something else from a damaged Cipherpad one', () => {
    expect(() => readQrText('https://example.com/')).toThrow(
      expect.objectContaining({ code: 'ERR_QR_NOT_CIPHERPAD' }),
    );
    expect(() => readQrText('WIFI:S:home;;')).toThrow(
      expect.objectContaining({ code: 'ERR_QR_NOT_CIPHERPAD' }),
    );
    expect(() => readQrText('enum:login?challenge=123456789')).toThrow(
      expect.objectContaining({
        code: 'ERR_QR_URI_INVALID',
        details: { cause: 'ERR_CHALLENGE_FORMAT' },
      }),
    );
    expect(() => readQrText('cipherpad:login?c=12345678')).toThrow(
      expect.objectContaining({ code: 'ERR_QR_URI_INVALID' }),
    );
  });

  it('knows which service URLs are its own', () => {
    expect(isOwnServer(undefined, 'https://cp.example')).toBe(true);
    expect(isOwnServer('https://cp.example/', 'https://cp.example')).toBe(true);
    expect(isOwnServer('https://other.example/', 'https://cp.example')).toBe(false);
    expect(isOwnServer('http://cp.example/', 'https://cp.example')).toBe(false);
  });
});
