import { CipherpadError } from '../errors.js';

/** A hash function that RFC 6287 allows for the HMAC (§5.2) or the PIN (§6.3), in Web Crypto's spelling. */
export type OcraHash = 'SHA-1' | 'SHA-256' | 'SHA-512';

/**
 * An OCRASuite (RFC 6287 §6) taken apart: what the computation uses and how.
 *
 * Obtain one from {@link parseOcraSuite}; {@link OcraSuite.raw} is the exact
 * string that enters the DataInput (§5.1).
 */
export interface OcraSuite {
  /** The suite string exactly as given, e.g. `OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1`. */
  readonly raw: string;
  /** The HMAC hash function of the CryptoFunction `HOTP-H-t` (§5.2). */
  readonly hash: OcraHash;
  /** The truncation length t in decimal digits: 4 to 10, or 0 for no truncation (§5.2, Table 1). */
  readonly digits: number;
  /** Whether the counter C takes part (§6.3). */
  readonly counter: boolean;
  /** The challenge question's format F and maximum length xx (§6.3, Table 2). */
  readonly question: {
    /** A: alphanumeric characters, N: decimal digits, H: hexadecimal digits. */
    readonly format: 'A' | 'N' | 'H';
    /** The most characters (or digits, or nibbles) one question may have: 4 to 64. */
    readonly maxLength: number;
  };
  /** Present when a hashed PIN/password P takes part, with its hash function (§6.3). */
  readonly password?: { readonly hash: OcraHash };
  /** Present when session information S takes part: its length in bytes, 1 to 512 (§5.1, §6.3). */
  readonly sessionLength?: number;
  /** Present when a timestamp T takes part: the time-step size G (§6.3, Table 3). */
  readonly timeStep?: {
    /** S seconds, M minutes, H hours; D days is a Cipherpad extension (see docs/ocra.md). */
    readonly unit: 'S' | 'M' | 'H' | 'D';
    /** The number of units in one time step. */
    readonly count: number;
    /** The length of one time step in seconds. */
    readonly seconds: number;
  };
}

// A Map, not an object literal, so that names such as "constructor" find nothing.
const HASHES: ReadonlyMap<string, OcraHash> = new Map([
  ['SHA1', 'SHA-1'],
  ['SHA256', 'SHA-256'],
  ['SHA512', 'SHA-512'],
]);

// RFC 6287 §6.3 Table 3 gives the allowed counts per unit: [1-59]S, [1-59]M,
// [0-48]H. A step of 0 hours has no meaning (T would divide by zero), so H
// starts at 1. §5.1 names days as a granularity but Table 3 has no D; Cipherpad
// adds [1-59]D (docs/ocra.md).
const TIME_UNITS: Readonly<
  Record<'S' | 'M' | 'H' | 'D', { readonly max: number; readonly seconds: number }>
> = {
  S: { max: 59, seconds: 1 },
  M: { max: 59, seconds: 60 },
  H: { max: 48, seconds: 3600 },
  D: { max: 59, seconds: 86_400 },
};

/**
 * Parses and validates an OCRASuite string (RFC 6287 §6):
 * `OCRA-1:HOTP-<SHA1|SHA256|SHA512>-<t>:[C-]QFxx[-PH][-Snnn][-TG]`.
 *
 * Parsing is strict because the suite string itself is hashed into every
 * response (§5.1): two spellings of "the same" suite give different responses.
 * Upper case only, elements in the order C, Q, P, S, T, each at most once,
 * `xx` and `nnn` with exactly two and three digits. A bare `Q`, `P`, `S` or `T`
 * takes the RFC's default (N08, SHA1, 064, 1M). See docs/ocra.md.
 *
 * @param suite - The OCRASuite string.
 * @returns The parsed suite.
 * @throws {@link CipherpadError} `ERR_OCRA_SUITE_INVALID` naming what is wrong.
 *
 * @example
 * ```ts
 * const suite = parseOcraSuite('OCRA-1:HOTP-SHA512-8:QN08-T1M');
 * suite.timeStep; // { unit: 'M', count: 1, seconds: 60 }
 * ```
 */
export function parseOcraSuite(suite: string): OcraSuite {
  if (typeof suite !== 'string') {
    fail(String(suite), 'it is not a string');
  }
  const parts = suite.split(':');
  if (parts.length !== 3) {
    fail(suite, 'it must have three parts, <Algorithm>:<CryptoFunction>:<DataInput> (§6)');
  }
  const [algorithm, cryptoFunction, dataInput] = parts as [string, string, string];

  // §6.1: "OCRA-v"; this document (and Cipherpad) specifies version 1 only.
  if (algorithm !== 'OCRA-1') {
    fail(suite, `unsupported algorithm "${algorithm}", expected "OCRA-1" (§6.1)`);
  }

  // §5.2 Table 1: HOTP-H-t with H in SHA1, SHA256, SHA512 and t 0 or 4-10.
  const crypto = /^HOTP-(SHA1|SHA256|SHA512)-(0|[4-9]|10)$/.exec(cryptoFunction);
  if (crypto === null) {
    fail(
      suite,
      `unsupported CryptoFunction "${cryptoFunction}", expected HOTP-<SHA1|SHA256|SHA512>-<0|4..10> (§5.2)`,
    );
  }
  const hash = HASHES.get(crypto[1]!)!;
  const digits = Number(crypto[2]);

  // §6.3: [C] | QFxx | [PH | Snnn | TG], separated by hyphens, in this order.
  const elements = dataInput.split('-');
  let index = 0;
  const counter = elements[index] === 'C';
  if (counter) index++;

  const questionElement = elements[index];
  if (questionElement === undefined || !questionElement.startsWith('Q')) {
    fail(
      suite,
      `DataInput "${dataInput}" must have the challenge question Q${counter ? ' after C' : ' first, or after C'} (§6.3)`,
    );
  }
  const question = parseQuestion(suite, questionElement);
  index++;

  let password: OcraSuite['password'];
  let sessionLength: number | undefined;
  let timeStep: OcraSuite['timeStep'];
  // Each optional element may follow only the ones before it in P, S, T order.
  let rank = 0;
  for (; index < elements.length; index++) {
    const element = elements[index]!;
    const letter = element.charAt(0);
    if (element === '') {
      fail(suite, `DataInput "${dataInput}" has an empty element (§6.3)`);
    }
    const elementRank = 'CQPST'.indexOf(letter) - 1;
    if (elementRank === -2) {
      fail(suite, `unknown DataInput element "${element}" (§6.3 allows C, Q, P, S, T)`);
    }
    // C and Q (ranks -1 and 0) can only have come before: they are out of order here.
    if (elementRank <= rank) {
      fail(
        suite,
        `DataInput element "${element}" is repeated or out of order; the order is [C]-Q-[P]-[S]-[T] (§6.3)`,
      );
    }
    rank = elementRank;
    if (letter === 'P') password = parsePassword(suite, element);
    else if (letter === 'S') sessionLength = parseSession(suite, element);
    else timeStep = parseTimeStep(suite, element);
  }

  const parsed: {
    raw: string;
    hash: OcraHash;
    digits: number;
    counter: boolean;
    question: OcraSuite['question'];
    password?: OcraSuite['password'];
    sessionLength?: number;
    timeStep?: OcraSuite['timeStep'];
  } = { raw: suite, hash, digits, counter, question };
  if (password !== undefined) parsed.password = password;
  if (sessionLength !== undefined) parsed.sessionLength = sessionLength;
  if (timeStep !== undefined) parsed.timeStep = timeStep;
  return parsed;
}

function parseQuestion(suite: string, element: string): OcraSuite['question'] {
  // §6.3: "The default challenge format is N08".
  if (element === 'Q') return { format: 'N', maxLength: 8 };
  // §6.3 Table 2: F in A, N, H and xx in 04-64, always two digits.
  const match = /^Q([ANH])(\d\d)$/.exec(element);
  const maxLength = match === null ? Number.NaN : Number(match[2]);
  if (match === null || maxLength < 4 || maxLength > 64) {
    fail(
      suite,
      `invalid challenge element "${element}", expected Q<A|N|H><04..64> (§6.3, Table 2)`,
    );
  }
  return { format: match[1] as 'A' | 'N' | 'H', maxLength };
}

function parsePassword(suite: string, element: string): { hash: OcraHash } {
  // §6.3: "The default hash function for P is SHA1".
  if (element === 'P') return { hash: 'SHA-1' };
  const hash = HASHES.get(element.slice(1));
  if (hash === undefined) {
    fail(suite, `invalid PIN element "${element}", expected PSHA1, PSHA256 or PSHA512 (§6.3)`);
  }
  return { hash };
}

function parseSession(suite: string, element: string): number {
  // §6.3: "The default length is 064 bytes".
  if (element === 'S') return 64;
  // §6.3: nnn is three digits; §5.1: S is "of length up to 512 bytes".
  const match = /^S(\d{3})$/.exec(element);
  const length = match === null ? Number.NaN : Number(match[1]);
  if (match === null || length < 1 || length > 512) {
    fail(suite, `invalid session element "${element}", expected S<001..512> such as S064 (§6.3)`);
  }
  return length;
}

function parseTimeStep(suite: string, element: string): NonNullable<OcraSuite['timeStep']> {
  // §6.3: "Default value for G is 1M".
  if (element === 'T') return { unit: 'M', count: 1, seconds: 60 };
  // §6.3 Table 3 writes counts without leading zeros (20S, 5M, 24H).
  const match = /^T([1-9]\d?)([SMHD])$/.exec(element);
  if (match === null) {
    fail(
      suite,
      `invalid timestamp element "${element}", expected T<count><S|M|H|D> such as T1M (§6.3, Table 3)`,
    );
  }
  const count = Number(match[1]);
  const unit = match[2] as 'S' | 'M' | 'H' | 'D';
  const { max, seconds } = TIME_UNITS[unit];
  if (count > max) {
    fail(suite, `invalid timestamp element "${element}": ${unit} steps allow 1..${max} (§6.3)`);
  }
  return { unit, count, seconds: count * seconds };
}

function fail(suite: string, reason: string): never {
  throw new CipherpadError('ERR_OCRA_SUITE_INVALID', `invalid OCRA suite "${suite}": ${reason}`);
}
