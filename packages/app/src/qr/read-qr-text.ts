import {
  CipherpadError,
  parseQrUri,
  type QrActivateRequest,
  type QrLoginRequest,
  type QrPaymentRequest,
} from '@cipherpad/core';
import { AppError } from '../app-error.js';

/** What a scanned QR code asks the app to do. */
export type ScannedQr =
  | { readonly kind: 'answer'; readonly request: QrLoginRequest | QrPaymentRequest }
  | { readonly kind: 'activate'; readonly request: QrActivateRequest };

const CIPHERPAD_SCHEME = /^(cipherpad|enum):/i;

/**
 * Reads the text of a QR code: a Cipherpad or E-num login or payment URI, or a Cipherpad
 * activation URI (`cipherpad:activate?email=…&code=…&server=…`), with `@cipherpad/core`'s
 * `parseQrUri` (docs/protocol.md, "QR URIs").
 *
 * @throws {AppError} `ERR_QR_NOT_CIPHERPAD` for any other QR code (a web link, a Wi-Fi code…);
 *   `ERR_QR_URI_INVALID` for a Cipherpad URI that cannot be read, with the core's error as
 *   `cause` (`details.cause` holds its code: `ERR_CHALLENGE_FORMAT`, `ERR_AMOUNT_INVALID`, …).
 */
export function readQrText(text: string): ScannedQr {
  const trimmed = text.trim();
  if (!CIPHERPAD_SCHEME.test(trimmed)) {
    throw new AppError('ERR_QR_NOT_CIPHERPAD', 'This QR code is not a Cipherpad request');
  }
  try {
    const request = parseQrUri(trimmed);
    return request.kind === 'activate'
      ? { kind: 'activate', request }
      : { kind: 'answer', request };
  } catch (error) {
    if (!(error instanceof CipherpadError)) throw error;
    const cause = error.cause instanceof CipherpadError ? error.cause.code : undefined;
    throw new AppError('ERR_QR_URI_INVALID', error.message, {
      cause: error,
      details: cause === undefined ? {} : { cause },
    });
  }
}

/**
 * Whether a service URL named in a QR code is this app's own service (the app talks only to
 * the origin it is served from).
 */
export function isOwnServer(server: string | undefined, origin: string): boolean {
  if (server === undefined) return true;
  try {
    return new URL(server).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}
