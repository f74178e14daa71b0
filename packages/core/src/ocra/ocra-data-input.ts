import { CipherpadError } from '../errors.js';
import { hexToBytes } from '../util/hex.js';
import type { OcraInputs } from './generate-ocra.js';
import type { OcraHash, OcraSuite } from './ocra-suite.js';

/** RFC 6287 §5.1: Q is always 128 bytes, right-padded with zeros. */
const QUESTION_BYTES = 128;
/** RFC 6287 §5.1: C and T are unsigned 8-byte big-endian integers. */
const UINT64_BYTES = 8;
const UINT64_MAX = (1n << 64n) - 1n;

const HASH_BYTES: Readonly<Record<OcraHash, number>> = {
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-512': 64,
};

const INPUT_NAMES: ReadonlySet<string> = new Set([
  'counter',
  'question',
  'password',
  'passwordHash',
  'session',
  'timeStep',
  'now',
]);

const encoder = new TextEncoder();

/**
 * Builds the message that OCRA authenticates with HMAC (RFC 6287 §5.1):
 * `OCRASuite | 00 | C | Q | P | S | T`, each input present exactly when the
 * suite names it, laid out as the reference implementation of Appendix A does.
 *
 * @internal Used by `generateOcra`; not part of the package's public API.
 * @throws {@link CipherpadError} `ERR_OCRA_INPUT_INVALID` naming the input.
 */
export async function buildOcraDataInput(
  suite: OcraSuite,
  inputs: OcraInputs,
): Promise<Uint8Array<ArrayBuffer>> {
  checkInputNames(inputs);
  const suiteBytes = encoder.encode(suite.raw);
  const counter = counterValue(suite, inputs);
  const question = questionBytes(suite, inputs.question);
  const password = await passwordBytes(suite, inputs);
  const session = sessionBytes(suite, inputs.session);
  const time = timeValue(suite, inputs);

  const data = new Uint8Array(
    suiteBytes.length +
      1 +
      (counter === undefined ? 0 : UINT64_BYTES) +
      QUESTION_BYTES +
      (password?.length ?? 0) +
      (suite.sessionLength ?? 0) +
      (time === undefined ? 0 : UINT64_BYTES),
  );
  const view = new DataView(data.buffer);
  data.set(suiteBytes, 0);
  // The 0x00 separator is already there: a new Uint8Array is all zeros.
  let offset = suiteBytes.length + 1;
  if (counter !== undefined) {
    view.setBigUint64(offset, counter); // big-endian by default
    offset += UINT64_BYTES;
  }
  data.set(question, offset);
  offset += QUESTION_BYTES;
  if (password !== undefined) {
    data.set(password, offset);
    offset += password.length;
  }
  if (session !== undefined && suite.sessionLength !== undefined) {
    // Appendix A left-pads the session information with zeros to nnn bytes.
    data.set(session, offset + suite.sessionLength - session.length);
    offset += suite.sessionLength;
  }
  if (time !== undefined) {
    view.setBigUint64(offset, time);
  }
  return data;
}

function checkInputNames(inputs: OcraInputs): void {
  if (typeof inputs !== 'object' || inputs === null) {
    invalid('the inputs must be an object');
  }
  for (const name of Object.keys(inputs)) {
    if (!INPUT_NAMES.has(name)) {
      invalid(`unknown input "${name}"`);
    }
  }
}

function counterValue(suite: OcraSuite, inputs: OcraInputs): bigint | undefined {
  if (!suite.counter) {
    if (inputs.counter !== undefined) {
      invalid(`counter: the suite ${suite.raw} does not use a counter C`);
    }
    return undefined;
  }
  if (inputs.counter === undefined) {
    invalid(`counter: the suite ${suite.raw} requires a counter C`);
  }
  // §5.1: C is an unsigned 8-byte integer. It wraps around after 2^64 - 1,
  // which is the caller's business: a larger value here is a mistake.
  return uint64('counter', inputs.counter);
}

function questionBytes(suite: OcraSuite, question: OcraInputs['question']): Uint8Array {
  const { format, maxLength } = suite.question;
  // §5.1: Q is "a 128-byte list of (concatenated) challenge question(s)"; the
  // mutual modes of §7.2 and §7.3.2 concatenate two, each within QFxx.
  const parts: readonly unknown[] = typeof question === 'string' ? [question] : question;
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > 2) {
    invalid('question: expected a string, or an array of one or two strings (§7.2)');
  }
  for (const part of parts) {
    if (typeof part !== 'string') {
      invalid('question: each challenge question must be a string');
    }
    if (part.length < 4 || part.length > maxLength) {
      invalid(
        `question: "${part}" has ${part.length} characters; the suite allows 4..${maxLength} (§6.3, Table 2)`,
      );
    }
    if (format === 'N' && !/^[0-9]+$/.test(part)) {
      invalid(`question: "${part}" must be decimal digits for Q${format} (§6.3)`);
    }
    if (format === 'H' && !/^[0-9A-Fa-f]+$/.test(part)) {
      invalid(`question: "${part}" must be hexadecimal digits for Q${format} (§6.3)`);
    }
    if (format === 'A' && !/^[\x20-\x7e]+$/.test(part)) {
      invalid(`question: challenge questions for QA must be printable ASCII characters (§6.3)`);
    }
  }
  const text = (parts as readonly string[]).join('');

  const bytes = new Uint8Array(QUESTION_BYTES);
  if (format === 'A') {
    // Appendix B takes the characters' bytes; printable ASCII has one byte each.
    bytes.set(encoder.encode(text));
    return bytes;
  }
  // Appendix A right-pads the hex string with '0' to 256 nibbles before decoding,
  // so an odd number of nibbles keeps its first nibble high: "abc" -> ab c0.
  // Appendix B turns a numeric question into that hex string via BigInt.
  // The bytes past the question are already the zeros of that padding, so
  // only the question's own nibbles (an odd count completed with '0') are decoded.
  const hex = format === 'N' ? BigInt(text).toString(16) : text;
  bytes.set(hexToBytes(hex.length % 2 === 0 ? hex : `${hex}0`));
  return bytes;
}

async function passwordBytes(
  suite: OcraSuite,
  inputs: OcraInputs,
): Promise<Uint8Array | undefined> {
  const { password, passwordHash } = inputs;
  if (suite.password === undefined) {
    if (password !== undefined || passwordHash !== undefined) {
      invalid(`password: the suite ${suite.raw} does not use a PIN/password P`);
    }
    return undefined;
  }
  const { hash } = suite.password;
  if (password !== undefined && passwordHash !== undefined) {
    invalid('password: give either password or passwordHash, not both');
  }
  if (passwordHash !== undefined) {
    if (!(passwordHash instanceof Uint8Array) || passwordHash.length !== HASH_BYTES[hash]) {
      invalid(`passwordHash: must be the ${HASH_BYTES[hash]}-byte ${hash} hash of the PIN (§5.1)`);
    }
    return passwordHash;
  }
  if (password === undefined) {
    invalid(`password: the suite ${suite.raw} requires a PIN/password P`);
  }
  if (typeof password !== 'string' || password.length === 0) {
    invalid('password: must be a non-empty string');
  }
  // §5.1: P is the hash of the PIN/password; its text is taken as UTF-8.
  return new Uint8Array(await crypto.subtle.digest(hash, encoder.encode(password)));
}

function sessionBytes(suite: OcraSuite, session: Uint8Array | undefined): Uint8Array | undefined {
  if (suite.sessionLength === undefined) {
    if (session !== undefined) {
      invalid(`session: the suite ${suite.raw} does not use session information S`);
    }
    return undefined;
  }
  if (session === undefined) {
    invalid(`session: the suite ${suite.raw} requires session information S`);
  }
  if (!(session instanceof Uint8Array) || session.length < 1) {
    invalid('session: must be a non-empty Uint8Array');
  }
  if (session.length > suite.sessionLength) {
    invalid(
      `session: ${session.length} bytes is more than the suite's ${suite.sessionLength} (§6.3)`,
    );
  }
  return session;
}

function timeValue(suite: OcraSuite, inputs: OcraInputs): bigint | undefined {
  const { timeStep, now } = inputs;
  if (suite.timeStep === undefined) {
    if (timeStep !== undefined || now !== undefined) {
      invalid(`timeStep: the suite ${suite.raw} does not use a timestamp T`);
    }
    return undefined;
  }
  if (timeStep !== undefined && now !== undefined) {
    invalid('timeStep: give either timeStep or now, not both');
  }
  if (timeStep !== undefined) {
    return uint64('timeStep', timeStep);
  }
  if (now === undefined) {
    invalid(`timeStep: the suite ${suite.raw} requires a timestamp T (timeStep or now)`);
  }
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    invalid('now: must be a finite, non-negative number of milliseconds since the Unix epoch');
  }
  // §5.1: T counts whole time steps since 1970-01-01T00:00:00Z; integer
  // division keeps it exact.
  const steps = BigInt(Math.floor(now)) / BigInt(suite.timeStep.seconds * 1000);
  return uint64('now', steps);
}

function uint64(name: string, value: unknown): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      invalid(`${name}: ${value} is not a safe integer; pass a bigint for large values`);
    }
    value = BigInt(value);
  }
  if (typeof value !== 'bigint') {
    invalid(`${name}: must be a bigint or a number`);
  }
  if (value < 0n || value > UINT64_MAX) {
    invalid(`${name}: ${value} is outside 0..2^64-1 (§5.1)`);
  }
  return value;
}

function invalid(message: string): never {
  throw new CipherpadError('ERR_OCRA_INPUT_INVALID', message);
}
