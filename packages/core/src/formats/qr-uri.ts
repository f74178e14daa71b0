import { CipherpadError } from '../errors.js';
import { canonicalAmount } from './amount.js';
import { normalizeChallenge } from './challenge.js';
import { formatPurse, parsePurse } from './purse.js';
import {
  checkActivationCode,
  checkCurrency,
  checkEmail,
  checkRequestId,
  checkServer,
  checkSite,
  type QrActivateRequest,
  type QrLoginRequest,
  type QrPaymentRequest,
  type QrRequest,
} from './qr-request.js';

/** How {@link formatQrUri} writes a URI. */
export interface FormatQrUriOptions {
  /** Use the short form (`l`/`p` and one-letter parameter names) for a smaller QR code. */
  short?: boolean;
  /** `cipherpad` (the default) or `enum`, the original service's scheme. */
  scheme?: 'cipherpad' | 'enum';
}

type Kind = QrRequest['kind'];
type Field =
  | 'challenge'
  | 'purse'
  | 'amount'
  | 'currency'
  | 'site'
  | 'id'
  | 'server'
  | 'email'
  | 'code';

interface Parameter {
  field: Field;
  long: string;
  short: string;
  kinds: readonly Kind[];
}

const CHALLENGE_KINDS: readonly Kind[] = ['login', 'payment'];

// In the order formatQrUri writes them; the first three are the original service's. A short
// name may mean different fields in different kinds (`c` is the challenge of a login and the
// code of an activation).
const PARAMETERS: readonly Parameter[] = [
  { field: 'challenge', long: 'challenge', short: 'c', kinds: CHALLENGE_KINDS },
  { field: 'purse', long: 'purse', short: 'p', kinds: ['payment'] },
  { field: 'amount', long: 'amount', short: 'a', kinds: ['payment'] },
  { field: 'currency', long: 'currency', short: 'cur', kinds: ['payment'] },
  { field: 'email', long: 'email', short: 'e', kinds: ['activate'] },
  { field: 'code', long: 'code', short: 'c', kinds: ['activate'] },
  { field: 'site', long: 'site', short: 's', kinds: CHALLENGE_KINDS },
  { field: 'id', long: 'id', short: 'i', kinds: CHALLENGE_KINDS },
  { field: 'server', long: 'server', short: 'u', kinds: ['login', 'payment', 'activate'] },
];

const KINDS: Readonly<Record<string, { kind: Kind; short: boolean }>> = {
  login: { kind: 'login', short: false },
  l: { kind: 'login', short: true },
  payment: { kind: 'payment', short: false },
  p: { kind: 'payment', short: true },
  activate: { kind: 'activate', short: false },
  a: { kind: 'activate', short: true },
};

const SHORT_KIND: Readonly<Record<Kind, string>> = { login: 'l', payment: 'p', activate: 'a' };

const SCHEMES = new Set(['cipherpad', 'enum']);
// The original service had no activation QR: `enum:` is only for logins and payments.
const ENUM_KINDS = new Set<Kind>(CHALLENGE_KINDS);
const MAX_URI_LENGTH = 2048;
// A URI is printable ASCII (RFC 3986 §2); anything else must be percent-encoded.
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const URI = /^([A-Za-z][A-Za-z0-9+.-]*):([^?]*)\?(.*)$/s;
const URI_CHALLENGE = /^[0-9]{8}$/;

/**
 * Writes a request as a QR URI: `cipherpad:login?challenge=C`,
 * `cipherpad:payment?challenge=C&purse=P&amount=A`, `cipherpad:activate?email=E&code=K&server=U`,
 * or the short forms `cipherpad:l?c=C`, `cipherpad:p?c=C&p=P&a=A` and `cipherpad:a?e=E&c=K&u=U`,
 * with a login's or payment's optional `currency`/`cur`, `site`/`s`, `id`/`i` and `server`/`u`
 * parameters that are set. Values are written normalized (challenge digits, canonical amount,
 * purse with upper-case letter, server URL serialized) and percent-encoded as by
 * `encodeURIComponent`, except that `:` and `/` are left as they are.
 *
 * @throws {CipherpadError} `ERR_CHALLENGE_FORMAT`, `ERR_AMOUNT_INVALID` or `ERR_PURSE_INVALID`
 * for a malformed challenge, amount or purse; `ERR_QR_URI_INVALID` for an unknown kind or
 * scheme, an activation in the `enum` scheme, or a malformed currency, site, id, server, email
 * or code.
 * @example
 * ```ts
 * formatQrUri({ kind: 'payment', challenge: '12345678', amount: '1,50', purse: 'z123456789012' });
 * // 'cipherpad:payment?challenge=12345678&purse=Z123456789012&amount=1.5'
 * formatQrUri({ kind: 'login', challenge: '12345678' }, { short: true, scheme: 'enum' });
 * // 'enum:l?c=12345678'
 * ```
 */
export function formatQrUri(request: QrRequest, options: FormatQrUriOptions = {}): string {
  const scheme = options.scheme ?? 'cipherpad';
  if (!SCHEMES.has(scheme)) {
    throw invalid(`Unknown QR URI scheme "${String(scheme)}"`);
  }
  const kind = (request as { kind: unknown }).kind;
  if (kind !== 'login' && kind !== 'payment' && kind !== 'activate') {
    throw invalid(`Unknown QR request kind "${String(kind)}"`);
  }
  if (scheme === 'enum' && !ENUM_KINDS.has(kind)) {
    throw invalid(`The "${scheme}" scheme has no "${kind}" requests`);
  }
  const short = options.short === true;
  const values = new Map<Field, string>();
  if (request.kind === 'activate') {
    values.set('email', checkEmail(request.email));
    values.set('code', checkActivationCode(request.code));
    values.set('server', checkServer(request.server));
  } else {
    values.set('challenge', normalizeChallenge(request.challenge));
    if (request.kind === 'payment') {
      values.set('purse', formatPurse(parsePurse(request.purse)));
      values.set('amount', canonicalAmount(request.amount));
      if (request.currency !== undefined) values.set('currency', checkCurrency(request.currency));
    }
    if (request.site !== undefined) values.set('site', checkSite(request.site));
    if (request.id !== undefined) values.set('id', checkRequestId(request.id));
    if (request.server !== undefined) values.set('server', checkServer(request.server));
  }

  const query: string[] = [];
  for (const parameter of PARAMETERS) {
    if (!parameter.kinds.includes(request.kind)) continue;
    const value = values.get(parameter.field);
    if (value !== undefined) {
      query.push(`${short ? parameter.short : parameter.long}=${encodeValue(value)}`);
    }
  }
  return `${scheme}:${short ? SHORT_KIND[request.kind] : request.kind}?${query.join('&')}`;
}

/**
 * Reads a QR URI: Cipherpad's `cipherpad:` forms and, exactly, the original service's
 * `enum:` forms (`enum:login?challenge=C`, `enum:l?c=C`,
 * `enum:payment?challenge=C&purse=P&amount=A`, `enum:p?c=..&p=..&a=..`).
 *
 * The scheme is case-insensitive; the kind and the parameter names are not. A long-form kind
 * (`login`, `payment`, `activate`) takes long parameter names and a short one (`l`, `p`, `a`)
 * short names. The challenge is exactly 8 digits; the amount may use `.` or `,` and is returned
 * canonical; the purse may come with or without its letter and is returned normalized. An
 * activation (`cipherpad:` only) needs its email, its 8-digit code and the server. Parameters
 * this version does not know are ignored, so later versions can add some.
 *
 * @throws {CipherpadError} `ERR_QR_URI_INVALID` for anything else: another scheme, an unknown
 * kind, a missing, repeated or misplaced parameter (the other form's name, or a field of another
 * kind, such as a payment field in a login), bad percent-encoding, or a malformed value. When a
 * field is malformed, `cause` holds that field's own error (`ERR_CHALLENGE_FORMAT`,
 * `ERR_AMOUNT_INVALID`, `ERR_PURSE_INVALID`).
 * @example
 * ```ts
 * parseQrUri('enum:p?c=12345678&p=Z123456789012&a=1,50');
 * // { kind: 'payment', challenge: '12345678', purse: 'Z123456789012', amount: '1.5' }
 * ```
 */
export function parseQrUri(uri: string): QrRequest {
  if (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH || !PRINTABLE_ASCII.test(uri)) {
    throw invalid(`A QR URI is at most ${MAX_URI_LENGTH} printable ASCII characters`);
  }
  if (uri.includes('#')) {
    throw invalid('A QR URI has no fragment');
  }
  const match = URI.exec(uri);
  if (match === null) {
    throw invalid('A QR URI is scheme:kind?parameters');
  }
  const scheme = match[1]!.toLowerCase();
  if (!SCHEMES.has(scheme)) {
    throw invalid(`Unknown QR URI scheme "${match[1]}"`);
  }
  const form = Object.hasOwn(KINDS, match[2]!) ? KINDS[match[2]!] : undefined;
  if (form === undefined || (scheme === 'enum' && !ENUM_KINDS.has(form.kind))) {
    throw invalid(`Unknown QR request kind "${match[2]}"`);
  }
  const values = readParameters(match[3]!, form.kind, form.short);

  if (form.kind === 'activate') {
    const request: QrActivateRequest = {
      kind: 'activate',
      email: checkEmail(required(values, 'email')),
      code: checkActivationCode(required(values, 'code')),
      server: checkServer(required(values, 'server')),
    };
    return request;
  }
  const challenge = required(values, 'challenge');
  if (!URI_CHALLENGE.test(challenge)) {
    throw invalid(
      'The QR request has a malformed challenge',
      new CipherpadError('ERR_CHALLENGE_FORMAT', 'A challenge is exactly 8 digits'),
    );
  }
  const context = {
    ...optional(values, 'site', checkSite),
    ...optional(values, 'id', checkRequestId),
    ...optional(values, 'server', checkServer),
  };
  if (form.kind === 'login') {
    const request: QrLoginRequest = { kind: 'login', challenge, ...context };
    return request;
  }
  const request: QrPaymentRequest = {
    kind: 'payment',
    challenge,
    purse: field('purse', () => formatPurse(parsePurse(required(values, 'purse')))),
    amount: field('amount', () => canonicalAmount(required(values, 'amount'))),
    ...optional(values, 'currency', checkCurrency),
    ...context,
  };
  return request;
}

function readParameters(query: string, kind: Kind, short: boolean): Map<Field, string> {
  const values = new Map<Field, string>();
  const nameIn = (parameter: Parameter, shortForm: boolean) =>
    shortForm ? parameter.short : parameter.long;
  for (const segment of query.split('&')) {
    const separator = segment.indexOf('=');
    if (separator <= 0) {
      throw invalid('Each QR URI parameter is name=value');
    }
    const name = decode(segment.slice(0, separator));
    const value = decode(segment.slice(separator + 1));
    const own = PARAMETERS.find(
      (parameter) => parameter.kinds.includes(kind) && nameIn(parameter, short) === name,
    );
    if (own === undefined) {
      if (
        PARAMETERS.some(
          (parameter) => parameter.kinds.includes(kind) && nameIn(parameter, !short) === name,
        )
      ) {
        throw invalid(`"${name}" belongs to the ${short ? 'long' : 'short'} form of the QR URI`);
      }
      if (PARAMETERS.some((parameter) => nameIn(parameter, short) === name)) {
        throw invalid(`A QR URI of kind ${kind} has no "${name}"`);
      }
      continue; // Unknown parameters are ignored, for forward compatibility.
    }
    if (values.has(own.field)) {
      throw invalid(`The QR URI repeats "${name}"`);
    }
    values.set(own.field, value);
  }
  return values;
}

function required(values: Map<Field, string>, name: Field): string {
  const value = values.get(name);
  if (value === undefined) {
    throw invalid(`The QR URI has no ${name}`);
  }
  return value;
}

function optional<F extends Field>(
  values: Map<Field, string>,
  name: F,
  check: (value: string) => string,
): Partial<Record<F, string>> {
  const value = values.get(name);
  return value === undefined ? {} : ({ [name]: check(value) } as Partial<Record<F, string>>);
}

// Wraps a field's own error (ERR_AMOUNT_INVALID, ERR_PURSE_INVALID) as ERR_QR_URI_INVALID.
function field(name: Field, read: () => string): string {
  try {
    return read();
  } catch (error) {
    if (error instanceof CipherpadError && error.code !== 'ERR_QR_URI_INVALID') {
      throw invalid(`The QR request has a malformed ${name}`, error);
    }
    throw error;
  }
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch (error) {
    throw invalid('The QR URI has malformed percent-encoding', error);
  }
}

function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/g, ':').replace(/%2F/g, '/');
}

function invalid(message: string, cause?: unknown): CipherpadError {
  return new CipherpadError('ERR_QR_URI_INVALID', message, { cause });
}
