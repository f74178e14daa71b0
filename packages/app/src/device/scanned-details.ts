import {
  canonicalAmount,
  parsePurse,
  type QrLoginRequest,
  type QrPaymentRequest,
} from '@cipherpad/core';
import type { PendingRequest } from './pending-request.js';
import type { RequestDetails } from './request-summary.js';

/** A scanned QR code, checked against the service's own pending request of the same id. */
export interface ScannedDetails {
  /** What to show: the service's facts when it has the request and agrees, else the QR code's. */
  readonly details: RequestDetails;
  /** The service's pending request with the QR code's id, when the app knows it. */
  readonly pending: PendingRequest | undefined;
  /**
   * The QR code says something else than the service about the same request (another site,
   * kind, challenge, amount or recipient): approving it online would approve what the person
   * did not see, so the app does not offer it.
   */
  readonly mismatch: boolean;
}

function sameAmount(a: string, b: string): boolean {
  try {
    return canonicalAmount(a.trim()) === canonicalAmount(b.trim());
  } catch {
    return false;
  }
}

function samePurse(a: string, b: string): boolean {
  try {
    const x = parsePurse(a);
    const y = parsePurse(b);
    // A purse may be written without its letter (docs/protocol.md, "Purse").
    return (
      x.number === y.number &&
      (x.letter === undefined || y.letter === undefined || x.letter === y.letter)
    );
  } catch {
    return false;
  }
}

/**
 * Combines a scanned login or payment QR code with the pending request the service sent for
 * the same id (if any): the service's request brings the operation's name, the note and whether
 * the site asks for the first time; everything both tell must agree.
 */
export function scannedDetails(
  qr: QrLoginRequest | QrPaymentRequest,
  requests: readonly PendingRequest[],
): ScannedDetails {
  const fromQr: RequestDetails = {
    kind: qr.kind,
    site: qr.site ?? null,
    challenge: qr.challenge,
    ...(qr.kind === 'payment'
      ? {
          payment: {
            amount: qr.amount,
            purse: qr.purse,
            ...(qr.currency === undefined ? {} : { currency: qr.currency }),
          },
        }
      : {}),
  };
  const pending = qr.id === undefined ? undefined : requests.find((r) => r.id === qr.id);
  if (pending === undefined) return { details: fromQr, pending, mismatch: false };

  let mismatch =
    pending.kind !== qr.kind ||
    pending.challenge !== qr.challenge ||
    (qr.site !== undefined && pending.site !== null && pending.site !== qr.site);
  if (qr.kind === 'payment') {
    const paid = pending.payment;
    mismatch ||=
      paid === undefined ||
      !sameAmount(paid.amount, qr.amount) ||
      !samePurse(paid.purse, qr.purse) ||
      (qr.currency !== undefined &&
        paid.currency !== undefined &&
        paid.currency.toUpperCase() !== qr.currency.toUpperCase());
  }
  const payment =
    pending.payment === undefined
      ? fromQr.payment
      : {
          ...pending.payment,
          ...(pending.payment.currency === undefined && qr.kind === 'payment' && qr.currency
            ? { currency: qr.currency }
            : {}),
        };
  const details: RequestDetails = {
    kind: pending.kind,
    site: pending.site ?? fromQr.site,
    challenge: pending.challenge,
    ...(payment === undefined ? {} : { payment }),
    ...(pending.operation === undefined ? {} : { operation: pending.operation }),
    ...(pending.note === undefined ? {} : { note: pending.note }),
    ...(pending.firstTime === true ? { firstTime: true } : {}),
  };
  // On a mismatch the QR code's own facts stay on screen: the typed response is computed from them.
  return { details: mismatch ? fromQr : details, pending, mismatch };
}
