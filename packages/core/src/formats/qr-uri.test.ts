import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/cipherpad-v1.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import type { QrRequest } from './qr-request.js';
import { type FormatQrUriOptions, formatQrUri, parseQrUri } from './qr-uri.js';

interface ParseVector {
  type: 'qr-uri-parse';
  source: string;
  uri: string;
  expected?: QrRequest;
  error?: string;
  cause?: string;
}

interface FormatVector {
  type: 'qr-uri-format';
  source: string;
  request: QrRequest;
  options?: FormatQrUriOptions;
  uri?: string;
  error?: string;
}

const all = vectors as unknown as { type: string; source: string }[];
const parseCases = all.filter((vector): vector is ParseVector => vector.type === 'qr-uri-parse');
const formatCases = all.filter((vector): vector is FormatVector => vector.type === 'qr-uri-format');

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function shown(uri: string): string {
  return uri.length > 120 ? `${uri.slice(0, 100)}… (${uri.length} characters)` : uri;
}

describe('QR URI', () => {
  it('loads the Cipherpad v1 QR URI vectors', () => {
    expect(parseCases.length).toBeGreaterThanOrEqual(50);
    expect(formatCases.length).toBeGreaterThanOrEqual(15);
    for (const vector of [...parseCases, ...formatCases]) {
      expect(vector.source).toBe('Cipherpad protocol v1');
    }
  });

  describe('parseQrUri', () => {
    for (const vector of parseCases.filter((entry) => entry.expected !== undefined)) {
      it(`reads ${shown(vector.uri)}`, () => {
        expect(parseQrUri(vector.uri)).toStrictEqual(vector.expected);
      });
    }

    for (const vector of parseCases.filter((entry) => entry.error !== undefined)) {
      it(`refuses ${JSON.stringify(shown(vector.uri))}`, () => {
        const error = errorOf(() => parseQrUri(vector.uri));
        expect(error).toBeInstanceOf(CipherpadError);
        expect((error as CipherpadError).code).toBe(vector.error);
        if (vector.cause !== undefined) {
          const cause = (error as CipherpadError).cause;
          expect(cause).toBeInstanceOf(CipherpadError);
          expect((cause as CipherpadError).code).toBe(vector.cause);
        }
      });
    }

    it('reads every form of the original service', () => {
      const login = { kind: 'login', challenge: '12345678' };
      expect(parseQrUri('enum:login?challenge=12345678')).toStrictEqual(login);
      expect(parseQrUri('enum:l?c=12345678')).toStrictEqual(login);
      const payment = {
        kind: 'payment',
        challenge: '12345678',
        purse: 'Z123456789012',
        amount: '1.5',
      };
      expect(
        parseQrUri('enum:payment?challenge=12345678&purse=Z123456789012&amount=1.5'),
      ).toStrictEqual(payment);
      expect(parseQrUri('enum:p?c=12345678&p=Z123456789012&a=1,50')).toStrictEqual(payment);
    });

    it('refuses a value that is not a string', () => {
      const error = errorOf(() => parseQrUri(undefined as unknown as string));
      expect((error as CipherpadError).code).toBe('ERR_QR_URI_INVALID');
    });
  });

  describe('formatQrUri', () => {
    for (const vector of formatCases.filter((entry) => entry.uri !== undefined)) {
      it(`writes ${vector.uri}`, () => {
        expect(formatQrUri(vector.request, vector.options)).toBe(vector.uri);
      });
    }

    for (const vector of formatCases.filter((entry) => entry.error !== undefined)) {
      it(`refuses ${JSON.stringify(vector.request)} with ${vector.error}`, () => {
        const error = errorOf(() => formatQrUri(vector.request, vector.options));
        expect(error).toBeInstanceOf(CipherpadError);
        expect((error as CipherpadError).code).toBe(vector.error);
      });
    }

    it('writes URIs that read back to the normalized request, in all four forms', () => {
      const requests = parseCases.flatMap((vector) => (vector.expected ? [vector.expected] : []));
      expect(requests.length).toBeGreaterThanOrEqual(15);
      for (const request of requests) {
        // The original service had no activation QR, so it has no enum: form.
        const schemes = request.kind === 'activate' ? [] : ['enum' as const];
        for (const options of [
          {},
          { short: true },
          ...schemes.map((scheme) => ({ scheme })),
          ...schemes.map((scheme) => ({ short: true, scheme })),
        ]) {
          expect(parseQrUri(formatQrUri(request, options))).toStrictEqual(request);
        }
      }
    });

    it('writes an activation in both forms, and never in the enum scheme', () => {
      const request = {
        kind: 'activate' as const,
        email: 'a+b@example.com',
        code: '00012345',
        server: 'https://cipherpad.example/',
      };
      const long = formatQrUri(request);
      expect(long).toBe(
        'cipherpad:activate?email=a%2Bb%40example.com&code=00012345&server=https://cipherpad.example/',
      );
      expect(parseQrUri(long)).toStrictEqual(request);
      expect(parseQrUri(formatQrUri(request, { short: true }))).toStrictEqual(request);
      const error = errorOf(() => formatQrUri(request, { scheme: 'enum' }));
      expect((error as CipherpadError).code).toBe('ERR_QR_URI_INVALID');
    });

    it('escapes the characters that delimit parameters in a site name', () => {
      const request = { kind: 'login' as const, challenge: '12345678', site: 'a&b=c?d#e%f+g' };
      const uri = formatQrUri(request);
      expect(uri).toBe('cipherpad:login?challenge=12345678&site=a%26b%3Dc%3Fd%23e%25f%2Bg');
      expect(parseQrUri(uri)).toStrictEqual(request);
    });
  });
});
