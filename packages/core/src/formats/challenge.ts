import { CipherpadError } from '../errors.js';

/**
 * The number of decimal digits in a Cipherpad challenge.
 *
 * Both suites take the challenge as it is: the Authorization suite
 * `OCRA-1:HOTP-SHA256-8:QN08` admits numeric questions of up to 8 digits
 * (RFC 6287 §6.3), and the payment question hashes the 8 digits.
 */
export const CHALLENGE_DIGITS = 8;

const CHALLENGE_RANGE = 10 ** CHALLENGE_DIGITS;
// The largest multiple of 10^8 that fits in 32 bits: 42 × 10^8 ≤ 2^32. Values at or above it
// are drawn again, so every challenge is equally likely (no modulo bias).
const UNBIASED_LIMIT = Math.floor(2 ** 32 / CHALLENGE_RANGE) * CHALLENGE_RANGE;
// Longest input normalizeChallenge looks at: 8 digits with generous room for separators.
const MAX_INPUT_LENGTH = 64;
// Whitespace, the ASCII hyphen-minus, the Unicode dashes U+2010..U+2015 and the minus sign U+2212:
// what a person (or a phone's autocorrect) may put between groups of digits.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/gu;
const CHALLENGE = /^[0-9]{8}$/;

/**
 * Fills its argument with cryptographically strong random bytes, as
 * `crypto.getRandomValues` does.
 */
export type RandomSource = (bytes: Uint8Array<ArrayBuffer>) => void;

const webCryptoRandom: RandomSource = (bytes) => {
  globalThis.crypto.getRandomValues(bytes);
};

/**
 * Makes a new challenge: {@link CHALLENGE_DIGITS} uniformly random decimal
 * digits. Leading zeros are part of the challenge. 32-bit words at or above
 * the largest multiple of 10^8 are drawn again, so every value is equally
 * likely.
 *
 * @param random - Where the random bytes come from: `crypto.getRandomValues`
 *   unless a platform has a cheaper source of the same strength (the server
 *   draws from a pool filled by the operating system).
 *
 * @example
 * ```ts
 * const challenge = generateChallenge(); // e.g. '04719388'
 * ```
 */
export function generateChallenge(random: RandomSource = webCryptoRandom): string {
  const bytes = new Uint8Array(4);
  for (;;) {
    random(bytes);
    const value = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (value < UNBIASED_LIMIT) {
      return String(value % CHALLENGE_RANGE).padStart(CHALLENGE_DIGITS, '0');
    }
  }
}

/**
 * Turns a challenge as a person typed it into its canonical form, exactly
 * {@link CHALLENGE_DIGITS} ASCII digits.
 *
 * Whitespace and dashes (`-`, U+2010..U+2015, U+2212) between the digits are removed;
 * anything else, or a digit count other than 8, is refused.
 *
 * @throws {CipherpadError} `ERR_CHALLENGE_FORMAT` when the input is not 8 digits.
 * @example
 * ```ts
 * normalizeChallenge('1234 5678'); // '12345678'
 * normalizeChallenge('0012-3456'); // '00123456'
 * ```
 */
export function normalizeChallenge(input: string): string {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) {
    throw invalid();
  }
  const digits = input.replace(SEPARATORS, '');
  if (!CHALLENGE.test(digits)) {
    throw invalid();
  }
  return digits;
}

function invalid(): CipherpadError {
  return new CipherpadError(
    'ERR_CHALLENGE_FORMAT',
    `A challenge is exactly ${CHALLENGE_DIGITS} digits`,
  );
}
