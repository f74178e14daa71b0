import { describe, expect, it } from 'vitest';
import rawVectors from '../../test/vectors/ocra-rfc6287.json' with { type: 'json' };
import { CipherpadError } from '../errors.js';
import { bytesToHex, hexToBytes } from '../util/hex.js';
import { generateOcra, type OcraInputs } from './generate-ocra.js';
import type { HmacKey } from './hmac-key.js';
import { type OcraHash, type OcraSuite, parseOcraSuite } from './ocra-suite.js';
import { verifyOcra } from './verify-ocra.js';

interface OcraVector {
  source: string;
  suite: string;
  key: string;
  counter?: string;
  question: string;
  questions?: string[];
  password?: string;
  session?: string;
  timeStep?: string;
  timeStepHex?: string;
  response: string;
}

const vectors: readonly OcraVector[] = rawVectors;

const KEY20 = hexToBytes('3132333435363738393031323334353637383930');
const KEY32 = hexToBytes('3132333435363738393031323334353637383930313233343536373839303132');
/** RFC 6287 Appendix C: "PIN (1234) SHA1 hash value". */
const PIN_1234_SHA1 = '7110eda4d09e062aa5e4a390b0a572ac0d2c0220';
/** Appendix B: "Mar 25 2008, 12:06:30 GMT", the time behind T = 132d0b6 minutes. */
const RFC_TIME_MS = Date.UTC(2008, 2, 25, 12, 6, 30);

function inputsOf(vector: OcraVector): OcraInputs {
  const inputs: OcraInputs = { question: vector.questions ?? vector.question };
  if (vector.counter !== undefined) inputs.counter = BigInt(vector.counter);
  if (vector.password !== undefined) inputs.password = vector.password;
  if (vector.session !== undefined) inputs.session = hexToBytes(vector.session);
  if (vector.timeStep !== undefined) inputs.timeStep = BigInt(vector.timeStep);
  return inputs;
}

function hmacKey(key: Uint8Array<ArrayBuffer>, hash: OcraHash, usages: KeyUsage[] = ['sign']) {
  return crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, usages);
}

/** The error a synchronous call throws, for asserting its class and code. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function expectSuiteError(suite: string, messagePart: string | RegExp): void {
  const error = thrown(() => parseOcraSuite(suite));
  expect(error).toBeInstanceOf(CipherpadError);
  expect(error).toMatchObject({ code: 'ERR_OCRA_SUITE_INVALID' });
  expect((error as Error).message).toMatch(messagePart);
}

async function expectInputError(promise: Promise<unknown>, messagePart: string | RegExp) {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CipherpadError);
  expect(error).toMatchObject({ code: 'ERR_OCRA_INPUT_INVALID' });
  expect((error as Error).message).toMatch(messagePart);
}

describe('OCRA RFC 6287 appendix C', () => {
  it('holds every vector of the appendix', () => {
    const count = (section: string) => vectors.filter((v) => v.source.includes(section)).length;
    expect(vectors).toHaveLength(70);
    expect(count('Appendix C.1')).toBe(40);
    expect(count('Appendix C.2')).toBe(20);
    expect(count('Appendix C.3')).toBe(10);
    for (const vector of vectors) {
      expect(vector.source).toMatch(/^RFC 6287 Appendix C\.[123]/);
      if (vector.questions !== undefined) expect(vector.questions.join('')).toBe(vector.question);
      if (vector.timeStepHex !== undefined) {
        expect(BigInt(`0x${vector.timeStepHex}`)).toBe(BigInt(vector.timeStep ?? -1));
      }
    }
  });

  it.each(vectors)('$source Q=$question with a raw key gives $response', async (vector) => {
    const response = await generateOcra(vector.suite, hexToBytes(vector.key), inputsOf(vector));
    expect(response).toBe(vector.response);
  });

  it.each(vectors)('$source Q=$question with a CryptoKey gives $response', async (vector) => {
    const suite = parseOcraSuite(vector.suite);
    const key = await hmacKey(hexToBytes(vector.key), suite.hash);
    expect(await generateOcra(suite, key, inputsOf(vector))).toBe(vector.response);
  });

  it.each(vectors)('$source Q=$question with an HmacKey gives $response', async (vector) => {
    const suite = parseOcraSuite(vector.suite);
    const cryptoKey = await hmacKey(hexToBytes(vector.key), suite.hash);
    const signed: Uint8Array[] = [];
    const key: HmacKey = {
      hash: suite.hash,
      sign: async (data) => {
        signed.push(data);
        return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, new Uint8Array(data)));
      },
    };
    expect(await generateOcra(suite, key, inputsOf(vector))).toBe(vector.response);
    expect(signed).toHaveLength(1);
  });

  it.each(vectors)(
    '$source Q=$question verifies, and a changed response does not',
    async (vector) => {
      const key = hexToBytes(vector.key);
      const inputs = inputsOf(vector);
      expect(await verifyOcra(vector.suite, key, inputs, vector.response)).toBe(true);
      const last = vector.response.at(-1) === '0' ? '1' : '0';
      const wrong = vector.response.slice(0, -1) + last;
      expect(await verifyOcra(vector.suite, key, inputs, wrong)).toBe(false);
    },
  );

  it('gives the same responses from the RFC PIN hash as from the PIN', async () => {
    const withPin = vectors.filter((v) => v.password !== undefined);
    expect(withPin.length).toBeGreaterThan(0);
    for (const vector of withPin) {
      const { password: _pin, ...inputs } = inputsOf(vector);
      const response = await generateOcra(vector.suite, hexToBytes(vector.key), {
        ...inputs,
        passwordHash: hexToBytes(PIN_1234_SHA1),
      });
      expect(response).toBe(vector.response);
    }
  });

  it('gives the timestamp vectors from the time of Appendix B', async () => {
    const timed = vectors.filter((v) => v.timeStep !== undefined);
    expect(timed.length).toBeGreaterThan(0);
    for (const vector of timed) {
      const { timeStep: _t, ...inputs } = inputsOf(vector);
      const response = await generateOcra(vector.suite, hexToBytes(vector.key), {
        ...inputs,
        now: RFC_TIME_MS,
      });
      expect(response).toBe(vector.response);
    }
  });
});

describe('OCRA suite parsing', () => {
  it('parses the example of RFC 6287 §6.4 fully', () => {
    expect(parseOcraSuite('OCRA-1:HOTP-SHA512-8:C-QN08-PSHA1')).toEqual({
      raw: 'OCRA-1:HOTP-SHA512-8:C-QN08-PSHA1',
      hash: 'SHA-512',
      digits: 8,
      counter: true,
      question: { format: 'N', maxLength: 8 },
      password: { hash: 'SHA-1' },
    });
    expect(parseOcraSuite('OCRA-1:HOTP-SHA256-6:QA10-T1M')).toEqual({
      raw: 'OCRA-1:HOTP-SHA256-6:QA10-T1M',
      hash: 'SHA-256',
      digits: 6,
      counter: false,
      question: { format: 'A', maxLength: 10 },
      timeStep: { unit: 'M', count: 1, seconds: 60 },
    });
  });

  it('parses every hash and truncation length of Table 1', () => {
    const hashes: [string, OcraHash][] = [
      ['SHA1', 'SHA-1'],
      ['SHA256', 'SHA-256'],
      ['SHA512', 'SHA-512'],
    ];
    for (const [name, hash] of hashes) {
      for (const digits of [0, 4, 5, 6, 7, 8, 9, 10]) {
        const suite = parseOcraSuite(`OCRA-1:HOTP-${name}-${digits}:QN08`);
        expect(suite.hash).toBe(hash);
        expect(suite.digits).toBe(digits);
      }
    }
  });

  it('parses every challenge format and length of Table 2', () => {
    for (const format of ['A', 'N', 'H'] as const) {
      for (let length = 4; length <= 64; length++) {
        const xx = String(length).padStart(2, '0');
        expect(parseOcraSuite(`OCRA-1:HOTP-SHA1-6:Q${format}${xx}`).question).toEqual({
          format,
          maxLength: length,
        });
      }
    }
  });

  it('parses every PIN hash, session length and time step of §6.3', () => {
    const pins: [string, OcraHash][] = [
      ['PSHA1', 'SHA-1'],
      ['PSHA256', 'SHA-256'],
      ['PSHA512', 'SHA-512'],
    ];
    for (const [element, hash] of pins) {
      expect(parseOcraSuite(`OCRA-1:HOTP-SHA1-6:QN08-${element}`).password).toEqual({ hash });
    }
    for (const length of [64, 128, 256, 512, 1, 20, 100]) {
      const nnn = String(length).padStart(3, '0');
      expect(parseOcraSuite(`OCRA-1:HOTP-SHA1-6:QN08-S${nnn}`).sessionLength).toBe(length);
    }
    const units = { S: [1, 59, 1], M: [1, 59, 60], H: [1, 48, 3600], D: [1, 59, 86_400] };
    for (const [unit, [min, max, seconds]] of Object.entries(units)) {
      for (let count = min!; count <= max!; count++) {
        expect(parseOcraSuite(`OCRA-1:HOTP-SHA1-6:QN08-T${count}${unit}`).timeStep).toEqual({
          unit,
          count,
          seconds: count * seconds!,
        });
      }
    }
  });

  it('parses the full element order C, Q, P, S, T', () => {
    expect(parseOcraSuite('OCRA-1:HOTP-SHA256-10:C-QH64-PSHA512-S512-T48H')).toEqual({
      raw: 'OCRA-1:HOTP-SHA256-10:C-QH64-PSHA512-S512-T48H',
      hash: 'SHA-256',
      digits: 10,
      counter: true,
      question: { format: 'H', maxLength: 64 },
      password: { hash: 'SHA-512' },
      sessionLength: 512,
      timeStep: { unit: 'H', count: 48, seconds: 172_800 },
    });
  });

  it('takes the RFC defaults for a bare Q, P, S and T', () => {
    expect(parseOcraSuite('OCRA-1:HOTP-SHA1-6:Q-P-S-T')).toEqual({
      raw: 'OCRA-1:HOTP-SHA1-6:Q-P-S-T',
      hash: 'SHA-1',
      digits: 6,
      counter: false,
      question: { format: 'N', maxLength: 8 },
      password: { hash: 'SHA-1' },
      sessionLength: 64,
      timeStep: { unit: 'M', count: 1, seconds: 60 },
    });
  });

  it.each([
    ['not three parts', 'OCRA-1:HOTP-SHA1-6', /three parts/],
    ['four parts', 'OCRA-1:HOTP-SHA1-6:QN08:X', /three parts/],
    ['an empty string', '', /three parts/],
    ['an unknown version', 'OCRA-2:HOTP-SHA1-6:QN08', /algorithm "OCRA-2"/],
    ['a lowercase algorithm', 'ocra-1:HOTP-SHA1-6:QN08', /algorithm "ocra-1"/],
    ['a version with a leading zero', 'OCRA-01:HOTP-SHA1-6:QN08', /algorithm/],
    ['an unknown hash', 'OCRA-1:HOTP-MD5-6:QN08', /CryptoFunction "HOTP-MD5-6"/],
    ['SHA-1 spelt with a hyphen', 'OCRA-1:HOTP-SHA-1-6:QN08', /CryptoFunction/],
    ['a lowercase hash', 'OCRA-1:HOTP-sha1-6:QN08', /CryptoFunction/],
    ['a function other than HOTP', 'OCRA-1:TOTP-SHA1-6:QN08', /CryptoFunction/],
    ['1 digit', 'OCRA-1:HOTP-SHA1-1:QN08', /CryptoFunction/],
    ['3 digits', 'OCRA-1:HOTP-SHA1-3:QN08', /CryptoFunction/],
    ['11 digits', 'OCRA-1:HOTP-SHA1-11:QN08', /CryptoFunction/],
    ['digits with a leading zero', 'OCRA-1:HOTP-SHA1-06:QN08', /CryptoFunction/],
    ['no digits', 'OCRA-1:HOTP-SHA1:QN08', /CryptoFunction/],
    ['no question', 'OCRA-1:HOTP-SHA1-6:C', /challenge question Q/],
    ['an empty DataInput', 'OCRA-1:HOTP-SHA1-6:', /challenge question Q/],
    ['a counter after the question', 'OCRA-1:HOTP-SHA1-6:QN08-C', /out of order/],
    ['a repeated counter', 'OCRA-1:HOTP-SHA1-6:C-C-QN08', /challenge question Q after C/],
    ['a repeated question', 'OCRA-1:HOTP-SHA1-6:QN08-QN08', /out of order/],
    ['a PIN before the question', 'OCRA-1:HOTP-SHA1-6:PSHA1-QN08', /challenge question Q/],
    ['S before P', 'OCRA-1:HOTP-SHA1-6:QN08-S064-PSHA1', /out of order/],
    ['T before S', 'OCRA-1:HOTP-SHA1-6:QN08-T1M-S064', /out of order/],
    ['a repeated PIN', 'OCRA-1:HOTP-SHA1-6:QN08-PSHA1-PSHA1', /repeated/],
    ['a repeated time step', 'OCRA-1:HOTP-SHA1-6:QN08-T1M-T1M', /repeated/],
    ['an unknown element', 'OCRA-1:HOTP-SHA1-6:QN08-X', /unknown DataInput element "X"/],
    ['trailing garbage', 'OCRA-1:HOTP-SHA1-6:QN08-T1M-', /empty element/],
    ['a doubled hyphen', 'OCRA-1:HOTP-SHA1-6:C--QN08', /challenge question Q/],
    ['trailing garbage in the question', 'OCRA-1:HOTP-SHA1-6:QN08X', /challenge element "QN08X"/],
    ['a trailing space', 'OCRA-1:HOTP-SHA1-6:QN08 ', /challenge element/],
    ['a lowercase element', 'OCRA-1:HOTP-SHA1-6:qn08', /challenge question Q/],
    ['a lowercase question format', 'OCRA-1:HOTP-SHA1-6:Qn08', /challenge element/],
    ['an unknown question format', 'OCRA-1:HOTP-SHA1-6:QB08', /challenge element/],
    ['a question length below 4', 'OCRA-1:HOTP-SHA1-6:QN03', /04\.\.64/],
    ['a question length above 64', 'OCRA-1:HOTP-SHA1-6:QN65', /04\.\.64/],
    ['a question length of one digit', 'OCRA-1:HOTP-SHA1-6:QH8', /challenge element "QH8"/],
    ['a question length of three digits', 'OCRA-1:HOTP-SHA1-6:QN008', /challenge element/],
    ['a question format without length', 'OCRA-1:HOTP-SHA1-6:QN', /challenge element/],
    ['an unknown PIN hash', 'OCRA-1:HOTP-SHA1-6:QN08-PMD5', /PIN element "PMD5"/],
    ['a PIN hash with a hyphen', 'OCRA-1:HOTP-SHA1-6:QN08-PSHA-1', /PIN element "PSHA"/],
    ['a PIN named after an Object method', 'OCRA-1:HOTP-SHA1-6:QN08-Pconstructor', /PIN element/],
    ['a session length of 0', 'OCRA-1:HOTP-SHA1-6:QN08-S000', /session element "S000"/],
    ['a session length above 512', 'OCRA-1:HOTP-SHA1-6:QN08-S513', /session element/],
    ['a session length of two digits', 'OCRA-1:HOTP-SHA1-6:QN08-S64', /session element/],
    ['a session length of four digits', 'OCRA-1:HOTP-SHA1-6:QN08-S0064', /session element/],
    ['0 seconds', 'OCRA-1:HOTP-SHA1-6:QN08-T0S', /timestamp element "T0S"/],
    ['60 seconds', 'OCRA-1:HOTP-SHA1-6:QN08-T60S', /S steps allow 1\.\.59/],
    ['60 minutes', 'OCRA-1:HOTP-SHA1-6:QN08-T60M', /M steps allow 1\.\.59/],
    ['0 hours', 'OCRA-1:HOTP-SHA1-6:QN08-T0H', /timestamp element "T0H"/],
    ['49 hours', 'OCRA-1:HOTP-SHA1-6:QN08-T49H', /H steps allow 1\.\.48/],
    ['60 days', 'OCRA-1:HOTP-SHA1-6:QN08-T60D', /D steps allow 1\.\.59/],
    ['a time step with a leading zero', 'OCRA-1:HOTP-SHA1-6:QN08-T01M', /timestamp element/],
    ['a time step of three digits', 'OCRA-1:HOTP-SHA1-6:QN08-T100S', /timestamp element/],
    ['an unknown time unit', 'OCRA-1:HOTP-SHA1-6:QN08-T1W', /timestamp element "T1W"/],
    ['a lowercase time unit', 'OCRA-1:HOTP-SHA1-6:QN08-T1m', /timestamp element/],
    ['a time step without a unit', 'OCRA-1:HOTP-SHA1-6:QN08-T1', /timestamp element/],
  ])('rejects %s', (_what, suite, messagePart) => {
    expectSuiteError(suite, messagePart);
  });

  it('names the suite in its error message', () => {
    expectSuiteError('OCRA-1:HOTP-SHA1-3:QN08', 'invalid OCRA suite "OCRA-1:HOTP-SHA1-3:QN08"');
  });

  it('rejects a suite that is not a string', () => {
    expectSuiteError(42 as unknown as string, /not a string/);
  });
});

describe('OCRA inputs', () => {
  const QN08 = 'OCRA-1:HOTP-SHA1-6:QN08';

  it('rejects a counter the suite does not use, and requires one it does', async () => {
    await expectInputError(
      generateOcra(QN08, KEY20, { question: '12345678', counter: 0 }),
      /counter: .* does not use/,
    );
    await expectInputError(
      generateOcra('OCRA-1:HOTP-SHA1-6:C-QN08', KEY20, { question: '12345678' }),
      /counter: .* requires/,
    );
  });

  it.each([
    ['negative', -1, /outside 0\.\.2\^64-1/],
    ['2^64', 2n ** 64n, /outside 0\.\.2\^64-1/],
    ['negative bigint', -1n, /outside/],
    ['fractional', 1.5, /not a safe integer/],
    ['unsafe', 2 ** 53, /not a safe integer/],
    ['NaN', Number.NaN, /not a safe integer/],
    ['a string', '1' as unknown as number, /bigint or a number/],
  ])('rejects a %s counter', async (_what, counter, messagePart) => {
    await expectInputError(
      generateOcra('OCRA-1:HOTP-SHA1-6:C-QN08', KEY20, { question: '12345678', counter }),
      messagePart,
    );
  });

  it('takes counters up to 2^64 - 1 as big-endian bytes, a number like a bigint', async () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:C-QN08';
    const max = await generateOcra(suite, KEY20, { question: '12345678', counter: 2n ** 64n - 1n });
    expect(max).toMatch(/^\d{6}$/);
    expect(max).toBe(await referenceOcra(suite, KEY20, 'ff'.repeat(8), questionHex('12345678')));
    expect(await generateOcra(suite, KEY20, { question: '12345678', counter: 258 })).toBe(
      await generateOcra(suite, KEY20, { question: '12345678', counter: 258n }),
    );
    expect(await generateOcra(suite, KEY20, { question: '12345678', counter: 258 })).toBe(
      await referenceOcra(suite, KEY20, '0000000000000102', questionHex('12345678')),
    );
  });

  it.each([
    ['too short', QN08, '123', /3 characters; the suite allows 4\.\.8/],
    ['too long', QN08, '123456789', /9 characters; the suite allows 4\.\.8/],
    ['empty', QN08, '', /0 characters/],
    ['not decimal for QN', QN08, '1234567a', /decimal digits/],
    ['signed for QN', QN08, '+1234567', /decimal digits/],
    ['with spaces for QN', QN08, '1234 678', /decimal digits/],
    ['not hexadecimal for QH', 'OCRA-1:HOTP-SHA1-6:QH08', '1234567g', /hexadecimal digits/],
    ['prefixed for QH', 'OCRA-1:HOTP-SHA1-6:QH08', '0x123456', /hexadecimal digits/],
    ['a control character for QA', 'OCRA-1:HOTP-SHA1-6:QA08', 'ABC\nDEF', /printable ASCII/],
    ['NUL for QA', 'OCRA-1:HOTP-SHA1-6:QA08', 'ABC\u0000', /printable ASCII/],
    ['non-ASCII for QA', 'OCRA-1:HOTP-SHA1-6:QA08', 'ABCDÉ', /printable ASCII/],
  ])('rejects a question %s', async (_what, suite, question, messagePart) => {
    await expectInputError(generateOcra(suite, KEY20, { question }), messagePart);
  });

  it('rejects anything but one or two questions', async () => {
    await expectInputError(generateOcra(QN08, KEY20, { question: [] }), /one or two strings/);
    await expectInputError(
      generateOcra(QN08, KEY20, { question: ['1234', '5678', '9012'] }),
      /one or two strings/,
    );
    await expectInputError(
      generateOcra(QN08, KEY20, { question: undefined as unknown as string }),
      /one or two strings/,
    );
    await expectInputError(
      generateOcra(QN08, KEY20, { question: [1234 as unknown as string] }),
      /must be a string/,
    );
    await expectInputError(generateOcra(QN08, KEY20, { question: ['1234', '123'] }), /"123" has 3/);
  });

  it('encodes QN as the reference code does: decimal to hex, right-padded to 256 nibbles', async () => {
    // 22222222 = 0x153158E, an odd number of nibbles: Q starts 15 31 58 e0.
    expect(await generateOcra(QN08, KEY20, { question: '22222222' })).toBe(
      await referenceOcra(QN08, KEY20, '', '153158e0'),
    );
    // Leading zeros do not change the number.
    expect(await generateOcra(QN08, KEY20, { question: '00001234' })).toBe(
      await generateOcra(QN08, KEY20, { question: '1234' }),
    );
  });

  it('encodes QH as nibbles, right-padded: an odd count keeps its first nibble high', async () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:QH08';
    expect(await generateOcra(suite, KEY20, { question: 'ABCDE' })).toBe(
      await referenceOcra(suite, KEY20, '', 'abcde0'),
    );
    expect(await generateOcra(suite, KEY20, { question: 'abcde' })).toBe(
      await generateOcra(suite, KEY20, { question: 'ABCDE' }),
    );
  });

  it('encodes QA as the characters bytes, and two questions concatenated', async () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:QA08';
    const ascii = bytesToHex(new TextEncoder().encode('Pay 10 EUR'));
    expect(await generateOcra(suite, KEY20, { question: ['Pay 10', ' EUR'] })).toBe(
      await referenceOcra(suite, KEY20, '', ascii),
    );
    expect(await generateOcra(suite, KEY20, { question: ['ABCD', 'EFGH'] })).toBe(
      await generateOcra(suite, KEY20, { question: 'ABCDEFGH' }),
    );
  });

  it('rejects a PIN the suite does not use, and requires one it does', async () => {
    await expectInputError(
      generateOcra(QN08, KEY20, { question: '1234', password: '1234' }),
      /password: .* does not use/,
    );
    await expectInputError(
      generateOcra(QN08, KEY20, { question: '1234', passwordHash: hexToBytes(PIN_1234_SHA1) }),
      /does not use a PIN/,
    );
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08-PSHA1';
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234' }),
      /password: .* requires/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, {
        question: '1234',
        password: '1234',
        passwordHash: hexToBytes(PIN_1234_SHA1),
      }),
      /not both/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', password: '' }),
      /non-empty/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', passwordHash: new Uint8Array(32) }),
      /20-byte SHA-1 hash/,
    );
  });

  it.each([
    ['PSHA256', 'SHA-256', 32],
    ['PSHA512', 'SHA-512', 64],
  ] as const)('hashes the PIN with %s', async (element, hash, length) => {
    const suite = `OCRA-1:HOTP-SHA1-6:QN08-${element}`;
    const pinHash = new Uint8Array(
      await crypto.subtle.digest(hash, new TextEncoder().encode('1234')),
    );
    expect(pinHash).toHaveLength(length);
    const fromPin = await generateOcra(suite, KEY20, { question: '1234', password: '1234' });
    expect(fromPin).toBe(
      await generateOcra(suite, KEY20, { question: '1234', passwordHash: pinHash }),
    );
    expect(fromPin).toBe(
      await referenceOcra(suite, KEY20, '', questionHex('1234'), bytesToHex(pinHash)),
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', passwordHash: hexToBytes(PIN_1234_SHA1) }),
      new RegExp(`${length}-byte ${hash}`),
    );
  });

  it('rejects session information the suite does not use, or too much, or none', async () => {
    await expectInputError(
      generateOcra(QN08, KEY20, { question: '1234', session: new Uint8Array(1) }),
      /session: .* does not use/,
    );
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08-S064';
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234' }),
      /session: .* requires/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', session: new Uint8Array(65) }),
      /65 bytes is more than the suite's 64/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', session: new Uint8Array(0) }),
      /non-empty/,
    );
  });

  it('left-pads session information with zeros to the suite length', async () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08-S128';
    const short = await generateOcra(suite, KEY20, {
      question: '1234',
      session: hexToBytes('0102'),
    });
    const full = new Uint8Array(128);
    full.set([1, 2], 126);
    expect(short).toBe(await generateOcra(suite, KEY20, { question: '1234', session: full }));
    expect(short).toBe(
      await referenceOcra(suite, KEY20, '', questionHex('1234'), '', '0102'.padStart(256, '0')),
    );
  });

  it('rejects a timestamp the suite does not use, and requires one it does', async () => {
    await expectInputError(
      generateOcra(QN08, KEY20, { question: '1234', timeStep: 1 }),
      /does not use a timestamp/,
    );
    await expectInputError(
      generateOcra(QN08, KEY20, { question: '1234', now: 0 }),
      /does not use a timestamp/,
    );
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08-T1M';
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234' }),
      /requires a timestamp/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', timeStep: 1, now: 60_000 }),
      /not both/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', timeStep: -1 }),
      /timeStep: -1 is outside/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', now: -1 }),
      /now: must be/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', now: Number.NaN }),
      /now: must be/,
    );
    await expectInputError(
      generateOcra(suite, KEY20, { question: '1234', now: Number.POSITIVE_INFINITY }),
      /now: must be/,
    );
  });

  it.each([
    ['T30S', 59_999, 1n],
    ['T30S', 60_000, 2n],
    ['T1M', RFC_TIME_MS, 0x132d0b6n],
    ['T5M', 299_999, 0n],
    ['T5M', 300_000, 1n],
    ['T24H', 86_400_000 * 2 - 1, 1n],
    ['T1H', 3_600_000 * 7 + 0.5, 7n],
    ['T1D', 86_400_000 * 3 + 5, 3n],
    ['T7D', 86_400_000 * 14, 2n],
  ])('computes T for %s from now = %d ms as %d steps', async (element, now, steps) => {
    const suite = `OCRA-1:HOTP-SHA1-6:QN08-${element}`;
    const fromNow = await generateOcra(suite, KEY20, { question: '1234', now });
    expect(fromNow).toBe(await generateOcra(suite, KEY20, { question: '1234', timeStep: steps }));
    const t = steps.toString(16).padStart(16, '0');
    expect(fromNow).toBe(await referenceOcra(suite, KEY20, '', questionHex('1234'), '', '', t));
  });

  it('rejects unknown input names', async () => {
    const inputs = { question: '1234', timestamp: 5 } as unknown as OcraInputs;
    await expectInputError(generateOcra(QN08, KEY20, inputs), /unknown input "timestamp"/);
  });

  it('rejects an empty key, a key of the wrong kind and a CryptoKey for another hash', async () => {
    await expectInputError(
      generateOcra(QN08, new Uint8Array(0), { question: '1234' }),
      /key: must not be empty/,
    );
    await expectInputError(
      generateOcra(QN08, 'secret' as unknown as Uint8Array, { question: '1234' }),
      /key: expected a Uint8Array, a Web Crypto CryptoKey or an HmacKey/,
    );
    const sha256Signer: HmacKey = { hash: 'SHA-256', sign: () => new Uint8Array(32) };
    await expectInputError(
      generateOcra(QN08, sha256Signer, { question: '1234' }),
      /HmacKey must be for SHA-1/,
    );
    await expectInputError(
      generateOcra(QN08, await hmacKey(KEY20, 'SHA-256'), { question: '1234' }),
      /HMAC key for SHA-1/,
    );
    const aes = await crypto.subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, [
      'encrypt',
    ]);
    await expectInputError(generateOcra(QN08, aes, { question: '1234' }), /HMAC key for SHA-1/);
    await expectInputError(
      generateOcra(QN08, await hmacKey(KEY20, 'SHA-1', ['verify']), { question: '1234' }),
      /lacks the "sign" usage/,
    );
  });

  it('accepts a parsed suite, and rejects one whose fields do not match its string', async () => {
    const suite = parseOcraSuite(QN08);
    expect(await generateOcra(suite, KEY20, { question: '00000000' })).toBe('237653');
    const tampered: OcraSuite = { ...suite, digits: 8 };
    const error = await generateOcra(tampered, KEY20, { question: '00000000' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CipherpadError);
    expect(error).toMatchObject({ code: 'ERR_OCRA_SUITE_INVALID' });
    const bad = await generateOcra('OCRA-1:HOTP-SHA1-3:QN08', KEY20, { question: '1234' }).catch(
      (e: unknown) => e,
    );
    expect(bad).toMatchObject({ code: 'ERR_OCRA_SUITE_INVALID' });
  });

  it.each([
    ['SHA1', KEY20, 40],
    ['SHA256', KEY32, 64],
    ['SHA512', KEY32, 128],
  ] as const)('gives the full HMAC-%s as lowercase hex for 0 digits', async (name, key, length) => {
    const suite = `OCRA-1:HOTP-${name}-0:QN08`;
    const response = await generateOcra(suite, key, { question: '00000000' });
    expect(response).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
    expect(response).toBe(await referenceHmacHex(suite, key, '', ''));
    expect(await verifyOcra(suite, key, { question: '00000000' }, response)).toBe(true);
    expect(await verifyOcra(suite, key, { question: '00000000' }, response.toUpperCase())).toBe(
      true,
    );
    expect(await verifyOcra(suite, key, { question: '00000000' }, response.slice(2))).toBe(false);
  });

  it.each([4, 5, 7, 9, 10])('truncates to %d digits, zero-padded', async (digits) => {
    const suite = `OCRA-1:HOTP-SHA256-${digits}:QN08`;
    const response = await generateOcra(suite, KEY32, { question: '12345678' });
    expect(response).toMatch(new RegExp(`^\\d{${digits}}$`));
    expect(response).toBe(await referenceOcra(suite, KEY32, '', questionHex('12345678')));
  });
});

describe('verifyOcra', () => {
  const suite = 'OCRA-1:HOTP-SHA1-6:QN08';

  it('accepts the right response and refuses wrong ones', async () => {
    const inputs = { question: '00000000' };
    expect(await verifyOcra(suite, KEY20, inputs, '237653')).toBe(true);
    expect(await verifyOcra(suite, KEY20, inputs, '237654')).toBe(false);
    expect(await verifyOcra(suite, KEY20, inputs, '137653')).toBe(false);
    expect(await verifyOcra(suite, KEY20, inputs, '23765')).toBe(false);
    expect(await verifyOcra(suite, KEY20, inputs, '2376530')).toBe(false);
    expect(await verifyOcra(suite, KEY20, inputs, '')).toBe(false);
    expect(await verifyOcra(suite, KEY20, { question: '11111111' }, '237653')).toBe(false);
  });

  it('throws for a bad input rather than answering false', async () => {
    await expectInputError(verifyOcra(suite, KEY20, { question: '123' }, '237653'), /question/);
    await expectInputError(
      verifyOcra(suite, KEY20, { question: '00000000' }, 237653 as unknown as string),
      /response: must be a string/,
    );
  });
});

/**
 * An independent DataInput (RFC 6287 §5.1) from hex parts, as Appendix A
 * assembles it, for checking encodings the appendix has no vector for.
 */
function referenceData(
  suite: string,
  c: string,
  q: string,
  p = '',
  s = '',
  t = '',
): Uint8Array<ArrayBuffer> {
  return hexToBytes(
    [bytesToHex(new TextEncoder().encode(suite)), '00', c, q.padEnd(256, '0'), p, s, t].join(''),
  );
}

async function referenceHmacHex(
  suite: string,
  key: Uint8Array<ArrayBuffer>,
  c: string,
  q: string,
  p = '',
  s = '',
  t = '',
) {
  const parsed = parseOcraSuite(suite);
  const hmac = await crypto.subtle.sign(
    'HMAC',
    await hmacKey(key, parsed.hash),
    referenceData(suite, c, q, p, s, t),
  );
  return bytesToHex(new Uint8Array(hmac));
}

async function referenceOcra(
  suite: string,
  key: Uint8Array<ArrayBuffer>,
  c: string,
  q: string,
  p = '',
  s = '',
  t = '',
) {
  const mac = hexToBytes(await referenceHmacHex(suite, key, c, q, p, s, t));
  const offset = mac[mac.length - 1]! & 0xf;
  const view = new DataView(mac.buffer);
  const binary = view.getUint32(offset) & 0x7fffffff;
  const digits = parseOcraSuite(suite).digits;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

function questionHex(decimal: string): string {
  return BigInt(decimal).toString(16);
}
