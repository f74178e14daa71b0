import { CipherpadError } from '../errors.js';
import { bytesToHex } from '../util/hex.js';
import { type HmacKey, isHmacKey } from './hmac-key.js';
import { buildOcraDataInput } from './ocra-data-input.js';
import { type OcraSuite, parseOcraSuite } from './ocra-suite.js';

/**
 * The values that enter an OCRA computation besides the key (RFC 6287 §5.1).
 * Give exactly the inputs the suite names: a missing one, or one the suite
 * does not use, is an error rather than silently ignored.
 */
export interface OcraInputs {
  /** C: the counter, 0 to 2^64 - 1. Required exactly when the suite has `C`. */
  counter?: bigint | number;
  /**
   * Q: the challenge question as a person reads it: decimal digits for QN,
   * printable ASCII characters for QA, hexadecimal digits (nibbles) for QH,
   * 4 to xx of them for a suite `QFxx`.
   *
   * For the mutual modes (§7.2, §7.3.2) give the two questions in the order
   * the computation concatenates them, e.g. `['CLI22220', 'SRV11110']` for the
   * server's response; each is checked against 4..xx.
   */
  question: string | readonly string[];
  /** P: the PIN/password, hashed (as UTF-8) with the suite's P hash function. */
  password?: string;
  /** P, already hashed: exactly as long as the suite's P hash (20, 32 or 64 bytes). */
  passwordHash?: Uint8Array;
  /** S: session information, 1 to nnn bytes, left-padded with zeros to nnn bytes. */
  session?: Uint8Array;
  /** T: the number of the suite's time steps since the Unix epoch, 0 to 2^64 - 1. */
  timeStep?: bigint | number;
  /** Or the time in milliseconds since the Unix epoch, from which T is computed. */
  now?: number;
}

/**
 * Computes an OCRA response (RFC 6287): HMAC over the DataInput of §5.1 with
 * the suite's hash, then the dynamic truncation of HOTP (RFC 4226 §5.3) to the
 * suite's number of digits, zero-padded on the left.
 *
 * For a suite with t = 0 ("no truncation ... the full HMAC value is used",
 * §5.2) the response is the whole HMAC as lowercase hex. Appendix A's code
 * would print "0" there, which cannot be what §5.2 means (docs/ocra.md).
 *
 * @param suite - An OCRASuite string, or a suite from {@link parseOcraSuite}.
 * @param key - The shared secret as raw bytes, a Web Crypto HMAC key for
 *   the suite's hash with the `sign` usage, or an {@link HmacKey} for it.
 * @param inputs - The DataInput values the suite names.
 * @returns The response: `digits` decimal digits, or hex for t = 0.
 * @throws {@link CipherpadError} `ERR_OCRA_SUITE_INVALID` for a bad suite,
 *   `ERR_OCRA_INPUT_INVALID` naming the key or input that is wrong.
 *
 * @example
 * ```ts
 * // RFC 6287 Appendix C.1
 * await generateOcra('OCRA-1:HOTP-SHA1-6:QN08', hexToBytes('3132333435363738393031323334353637383930'), {
 *   question: '00000000',
 * }); // '237653'
 * ```
 */
export async function generateOcra(
  suite: string | OcraSuite,
  key: Uint8Array | CryptoKey | HmacKey,
  inputs: OcraInputs,
): Promise<string> {
  const parsed = resolveSuite(suite);
  const data = await buildOcraDataInput(parsed, inputs);
  const hmacKey = await importKey(parsed, key);
  let mac: Uint8Array;
  try {
    mac = isHmacKey(hmacKey)
      ? await hmacKey.sign(data)
      : new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, data));
  } catch (cause) {
    throw new CipherpadError('ERR_OCRA_INPUT_INVALID', 'key: HMAC with this key failed', {
      cause,
    });
  }
  if (parsed.digits === 0) {
    return bytesToHex(mac);
  }
  return truncate(mac, parsed.digits);
}

/** RFC 4226 §5.3 dynamic truncation; the offset comes from the last byte of any hash, as in Appendix A. */
function truncate(mac: Uint8Array, digits: number): string {
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary =
    ((mac[offset]! & 0x7f) << 24) |
    (mac[offset + 1]! << 16) |
    (mac[offset + 2]! << 8) |
    mac[offset + 3]!;
  // binary < 2^31 < 10^10, so the remainder is exact for every t in 4..10.
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * Suites parsed from strings, frozen: an application answers with the same
 * one or two suites over and over. Only valid suites are kept, at most 64.
 */
const parsedSuites = new Map<string, OcraSuite>();

function resolveSuite(suite: string | OcraSuite): OcraSuite {
  if (typeof suite === 'string') {
    let parsed = parsedSuites.get(suite);
    if (!parsed) {
      parsed = deepFreeze(parseOcraSuite(suite));
      if (parsedSuites.size >= 64) parsedSuites.clear();
      parsedSuites.set(suite, parsed);
    }
    return parsed;
  }
  if (typeof suite !== 'object' || suite === null || typeof suite.raw !== 'string') {
    throw new CipherpadError(
      'ERR_OCRA_SUITE_INVALID',
      'invalid OCRA suite: expected a suite string or the result of parseOcraSuite',
    );
  }
  // The raw string is what gets hashed; a suite object whose fields say
  // something else would give a response for a different suite.
  const parsed = parseOcraSuite(suite.raw);
  if (!sameSuite(parsed, suite)) {
    throw new CipherpadError(
      'ERR_OCRA_SUITE_INVALID',
      `invalid OCRA suite "${suite.raw}": its fields do not match its raw string`,
    );
  }
  return parsed;
}

function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null) deepFreeze(field);
  }
  return Object.freeze(value);
}

function sameSuite(a: OcraSuite, b: OcraSuite): boolean {
  return (
    a.hash === b.hash &&
    a.digits === b.digits &&
    a.counter === b.counter &&
    a.question.format === b.question?.format &&
    a.question.maxLength === b.question?.maxLength &&
    a.password?.hash === b.password?.hash &&
    a.sessionLength === b.sessionLength &&
    a.timeStep?.unit === b.timeStep?.unit &&
    a.timeStep?.count === b.timeStep?.count &&
    a.timeStep?.seconds === b.timeStep?.seconds
  );
}

async function importKey(
  suite: OcraSuite,
  key: Uint8Array | CryptoKey | HmacKey,
): Promise<CryptoKey | HmacKey> {
  if (isHmacKey(key)) {
    if (key.hash !== suite.hash) {
      throw new CipherpadError(
        'ERR_OCRA_INPUT_INVALID',
        `key: the HmacKey must be for ${suite.hash}, as the suite ${suite.raw} says`,
      );
    }
    return key;
  }
  if (key instanceof Uint8Array) {
    if (key.length === 0) {
      throw new CipherpadError('ERR_OCRA_INPUT_INVALID', 'key: must not be empty');
    }
    // A copy, which also gives importKey the ArrayBuffer-backed view it wants.
    return crypto.subtle.importKey(
      'raw',
      new Uint8Array(key),
      { name: 'HMAC', hash: suite.hash },
      false,
      ['sign'],
    );
  }
  if (typeof key !== 'object' || key === null || !('algorithm' in key)) {
    throw new CipherpadError(
      'ERR_OCRA_INPUT_INVALID',
      'key: expected a Uint8Array, a Web Crypto CryptoKey or an HmacKey',
    );
  }
  const algorithm = key.algorithm as Partial<HmacKeyAlgorithm>;
  if (algorithm.name !== 'HMAC' || algorithm.hash?.name !== suite.hash) {
    throw new CipherpadError(
      'ERR_OCRA_INPUT_INVALID',
      `key: the CryptoKey must be an HMAC key for ${suite.hash}, as the suite ${suite.raw} says`,
    );
  }
  if (!key.usages.includes('sign')) {
    throw new CipherpadError('ERR_OCRA_INPUT_INVALID', 'key: the CryptoKey lacks the "sign" usage');
  }
  return key;
}
