import { CipherpadError } from '../errors.js';

/** Fields a QR request of either kind may carry besides its challenge. */
interface QrRequestContext {
  /** The 8-digit challenge the response is computed for. */
  challenge: string;
  /** Display name of the asking site, shown to the person before they answer. */
  site?: string;
  /** The request id, for online approval. */
  id?: string;
  /** Base URL (`https:` or `http:`) of the Cipherpad service, for online approval. */
  server?: string;
}

/** A login (Authorization mode) request read from, or written to, a QR URI. */
export interface QrLoginRequest extends QrRequestContext {
  kind: 'login';
}

/** A payment confirmation (Payment mode) request read from, or written to, a QR URI. */
export interface QrPaymentRequest extends QrRequestContext {
  kind: 'payment';
  /** The amount in canonical form (`canonicalAmount`). */
  amount: string;
  /** The recipient's purse, normalized: upper-case letter if present, then 12 digits. */
  purse: string;
  /** Display code of the currency, e.g. `WMZ` or `USD`. */
  currency?: string;
}

/**
 * An activation offered by the security site: the app reads it to activate itself for the
 * account, instead of the person typing the email and the SMS activation code. The code is as
 * secret as the one sent by SMS. Cipherpad's own kind: there is no `enum:` form.
 */
export interface QrActivateRequest {
  kind: 'activate';
  /** The account's email, as the service wrote it. */
  email: string;
  /** The 8-digit activation code. */
  code: string;
  /** Base URL (`https:` or `http:`) of the Cipherpad service that issued the code. */
  server: string;
}

/**
 * What a Cipherpad or E-num QR code asks for: a login, a payment confirmation, or (Cipherpad
 * only) the activation of the app. Written by `formatQrUri` and read by `parseQrUri`.
 */
export type QrRequest = QrLoginRequest | QrPaymentRequest | QrActivateRequest;

// The checks below are shared by formatQrUri and parseQrUri; they are not part of the public API.

const MAX_SITE_LENGTH = 64;
const MAX_EMAIL_LENGTH = 254;
// One "@" with something on each side; no whitespace, control or format characters. The service
// checks the address itself: this only keeps what the app shows and sends back well-formed.
const EMAIL = /^[^@]+@[^@]+$/;
const ACTIVATION_CODE = /^[0-9]{8}$/;
const MAX_SERVER_LENGTH = 512;
const CURRENCY = /^[A-Za-z0-9]{1,16}$/;
const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;
// Control and format characters (including bidirectional overrides and zero-width characters)
// could make a site name display as something else; lone surrogates cannot be encoded in UTF-8.
const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/** Checks a site display name: 1..64 code points, no control or format characters, trimmed. */
export function checkSite(site: string): string {
  if (
    typeof site !== 'string' ||
    site === '' ||
    [...site].length > MAX_SITE_LENGTH ||
    HIDDEN_CHARACTERS.test(site) ||
    site.trim() !== site
  ) {
    throw invalidField(
      'site',
      'is 1 to 64 visible characters, not starting or ending with a space',
    );
  }
  return site;
}

/** Checks a request id: 1..128 characters of the base64url alphabet. */
export function checkRequestId(id: string): string {
  if (typeof id !== 'string' || !REQUEST_ID.test(id)) {
    throw invalidField('id', 'is 1 to 128 characters A-Z, a-z, 0-9, "-" or "_"');
  }
  return id;
}

/** Checks an email address in an activation request: 3..254 characters, one `@`, nothing hidden. */
export function checkEmail(email: string): string {
  if (
    typeof email !== 'string' ||
    email.length > MAX_EMAIL_LENGTH ||
    !EMAIL.test(email) ||
    WHITESPACE_OR_CONTROL.test(email) ||
    HIDDEN_CHARACTERS.test(email)
  ) {
    throw invalidField('email', 'is an email address (one "@", no spaces, at most 254 characters)');
  }
  return email;
}

/** Checks an activation code: exactly 8 ASCII digits. */
export function checkActivationCode(code: string): string {
  if (typeof code !== 'string' || !ACTIVATION_CODE.test(code)) {
    throw invalidField('code', 'is exactly 8 digits');
  }
  return code;
}

/** Checks a currency display code: 1..16 ASCII letters or digits. */
export function checkCurrency(currency: string): string {
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
    throw invalidField('currency', 'is 1 to 16 letters or digits');
  }
  return currency;
}

/**
 * Checks a server base URL and returns its WHATWG URL serialization (`https://a.example` becomes
 * `https://a.example/`): an absolute `https:` or `http:` URL, at most 512 characters, with no
 * credentials, query or fragment.
 */
export function checkServer(server: string): string {
  const rule = 'is an http or https URL without credentials, query or fragment';
  if (
    typeof server !== 'string' ||
    server.length > MAX_SERVER_LENGTH ||
    WHITESPACE_OR_CONTROL.test(server)
  ) {
    throw invalidField('server', rule);
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch (error) {
    throw invalidField('server', rule, error);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    server.includes('?') ||
    server.includes('#') ||
    url.href.length > MAX_SERVER_LENGTH
  ) {
    throw invalidField('server', rule);
  }
  return url.href;
}

function invalidField(field: string, rule: string, cause?: unknown): CipherpadError {
  return new CipherpadError('ERR_QR_URI_INVALID', `The QR request's ${field} ${rule}`, { cause });
}
