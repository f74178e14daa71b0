import { CipherpadError } from '../errors.js';
import { constantTimeEqual } from '../util/constant-time.js';
import { generateOcra, type OcraInputs } from './generate-ocra.js';
import type { HmacKey } from './hmac-key.js';
import { type OcraSuite, parseOcraSuite } from './ocra-suite.js';

/**
 * Checks an OCRA response (RFC 6287 §7) by computing the expected one with
 * {@link generateOcra} and comparing in constant time.
 *
 * A wrong response gives `false`; a bad suite, key or input is a mistake of
 * the caller and throws as {@link generateOcra} does. For a suite with t = 0
 * the response is hex and compared without regard to case. Counter and time
 * windows (look-ahead, clock drift) are the caller's policy: call once per
 * candidate value.
 *
 * @param suite - An OCRASuite string, or a suite from {@link parseOcraSuite}.
 * @param key - The shared secret as raw bytes, a Web Crypto HMAC key, or an {@link HmacKey}.
 * @param inputs - The DataInput values the suite names.
 * @param response - The response to check.
 * @returns Whether the response is the one expected.
 * @throws {@link CipherpadError} `ERR_OCRA_SUITE_INVALID` or `ERR_OCRA_INPUT_INVALID`.
 *
 * @example
 * ```ts
 * const ok = await verifyOcra('OCRA-1:HOTP-SHA1-6:QN08', key, { question: '11111111' }, '243178');
 * ```
 */
export async function verifyOcra(
  suite: string | OcraSuite,
  key: Uint8Array | CryptoKey | HmacKey,
  inputs: OcraInputs,
  response: string,
): Promise<boolean> {
  if (typeof response !== 'string') {
    throw new CipherpadError('ERR_OCRA_INPUT_INVALID', 'response: must be a string');
  }
  const parsed = typeof suite === 'string' ? parseOcraSuite(suite) : suite;
  const expected = await generateOcra(parsed, key, inputs);
  // Hex is case-insensitive; generateOcra gives lowercase for t = 0.
  const given = parsed.digits === 0 ? response.toLowerCase() : response;
  return constantTimeEqual(expected, given);
}
