import { CipherpadError } from '../errors.js';

/**
 * A recipient's purse: an optional currency letter and the 12-digit purse number.
 * Purse numbers are unique across currencies, so the number alone names the purse.
 */
export interface Purse {
  /** The currency letter, `A`..`Z`, when the purse was given with one. */
  letter?: string;
  /** The 12-digit purse number. */
  number: string;
}

const MAX_INPUT_LENGTH = 64;
const PURSE = /^([A-Za-z])?([0-9]{12})$/;
const LETTER = /^[A-Za-z]$/;
const NUMBER = /^[0-9]{12}$/;

/**
 * Reads a purse as a person or a QR code gives it: an optional letter (`A`..`Z`, either case)
 * followed by 12 digits, as the original service accepted purses with or without their letter.
 * Whitespace anywhere is ignored; the letter is returned in upper case.
 *
 * @throws {CipherpadError} `ERR_PURSE_INVALID` when the input is not a purse.
 * @example
 * ```ts
 * parsePurse('z 1234 5678 9012'); // { letter: 'Z', number: '123456789012' }
 * parsePurse('123456789012'); // { number: '123456789012' }
 * ```
 */
export function parsePurse(input: string): Purse {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) {
    throw invalid();
  }
  const match = PURSE.exec(input.replace(/\s/gu, ''));
  if (match === null) {
    throw invalid();
  }
  const number = match[2]!;
  return match[1] === undefined ? { number } : { letter: match[1].toUpperCase(), number };
}

/**
 * Writes a purse in its normalized form: the upper-case letter, if any, directly followed by
 * the 12 digits, with no spaces. This is the form Cipherpad puts in QR URIs.
 *
 * @throws {CipherpadError} `ERR_PURSE_INVALID` when the letter or the number is malformed.
 * @example
 * ```ts
 * formatPurse({ letter: 'z', number: '123456789012' }); // 'Z123456789012'
 * ```
 */
export function formatPurse(purse: Purse): string {
  const { letter, number } = purse;
  if (
    (letter !== undefined && (typeof letter !== 'string' || !LETTER.test(letter))) ||
    typeof number !== 'string' ||
    !NUMBER.test(number)
  ) {
    throw invalid();
  }
  return `${letter === undefined ? '' : letter.toUpperCase()}${number}`;
}

function invalid(): CipherpadError {
  return new CipherpadError(
    'ERR_PURSE_INVALID',
    'A purse is 12 digits, optionally preceded by a letter A-Z',
  );
}
