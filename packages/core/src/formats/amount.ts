import { CipherpadError } from '../errors.js';

/** The longest amount, in characters, that {@link canonicalAmount} accepts. */
export const MAX_AMOUNT_LENGTH = 40;

// Digits, then optionally one separator (`.` or `,`) and more digits. Either side may be empty,
// not both (checked below).
const AMOUNT = /^([0-9]*)(?:[.,]([0-9]*))?$/;

/**
 * Puts a payment amount into Cipherpad's canonical form, the form that is bound into a
 * payment question and carried in QR URIs.
 *
 * Accepted: ASCII digits with at most one decimal separator, `.` or `,`, and digits on at
 * least one side of it (`.5` and `5.` are accepted); at most {@link MAX_AMOUNT_LENGTH}
 * characters; a value greater than zero. Refused: signs, exponents, thousands separators,
 * whitespace (trim user input first), and zero.
 *
 * Canonical form: the integer part without leading zeros (`0` when it is empty or zero), then,
 * only if the fraction has a non-zero digit, `.` and the fraction without trailing zeros.
 *
 * @throws {CipherpadError} `ERR_AMOUNT_INVALID` when the amount is malformed or zero.
 * @example
 * ```ts
 * canonicalAmount('001,500'); // '1.5'
 * canonicalAmount('10.00'); // '10'
 * canonicalAmount('.5'); // '0.5'
 * ```
 */
export function canonicalAmount(input: string): string {
  if (typeof input !== 'string' || input.length > MAX_AMOUNT_LENGTH) {
    throw invalid(`at most ${MAX_AMOUNT_LENGTH} characters`);
  }
  const match = AMOUNT.exec(input);
  if (match === null) {
    throw invalid('digits with at most one "." or "," as the decimal separator');
  }
  const integerDigits = match[1] ?? '';
  const fractionDigits = match[2] ?? '';
  if (integerDigits === '' && fractionDigits === '') {
    throw invalid('digits with at most one "." or "," as the decimal separator');
  }
  const integer = integerDigits.replace(/^0+/, '') || '0';
  const fraction = fractionDigits.replace(/0+$/, '');
  if (integer === '0' && fraction === '') {
    throw invalid('greater than zero');
  }
  return fraction === '' ? integer : `${integer}.${fraction}`;
}

function invalid(rule: string): CipherpadError {
  return new CipherpadError('ERR_AMOUNT_INVALID', `An amount is ${rule}`);
}
