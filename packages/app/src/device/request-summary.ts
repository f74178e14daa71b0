import {
  canonicalAmount,
  parsePurse,
  type QrLoginRequest,
  type QrPaymentRequest,
} from '@cipherpad/core';
import type { MessageKey } from '../i18n/i18n.js';
import type { OperationName, PendingRequest, RequestOperation } from './pending-request.js';

/** A text in the person's language (the app's `t`). */
export type Translate = (
  key: MessageKey,
  params?: Readonly<Record<string, string | number>>,
) => string;

/** What the app shows about a request, from the feed or from a scanned QR code. */
export interface RequestDetails {
  readonly kind: 'login' | 'payment';
  /** The asking site's name; null for the security site itself. */
  readonly site: string | null;
  readonly challenge: string;
  readonly payment?: {
    readonly amount: string;
    readonly purse: string;
    readonly currency?: string;
  };
  readonly operation?: RequestOperation;
  readonly note?: string;
  readonly firstTime?: boolean;
}

/** Which fact a row shows; the screens name their test ids after it. */
export type SummaryPart =
  | 'site'
  | 'operation'
  | 'description'
  | 'amount'
  | 'recipient'
  | 'note'
  | 'challenge';

/** One line of what is being confirmed. */
export interface SummaryRow {
  readonly part: SummaryPart;
  readonly label: string;
  readonly value: string;
}

const OPERATION_TEXT: Readonly<Record<OperationName, MessageKey>> = {
  login: 'opLogin',
  payment: 'opPayment',
  'personal-data': 'opPersonalData',
  'security-settings': 'opSecuritySettings',
  'trust-transfer': 'opTrustTransfer',
  'merchant-payment': 'opMerchantPayment',
  'credit-exchange': 'opCreditExchange',
  'trust-limit': 'opTrustLimit',
};

/**
 * The security site's own operations on the account's devices (docs/web-api.md, "Device
 * operations"): what the person confirms when a new device is added or one is deactivated.
 */
const DEVICE_OPERATION_TEXT: Readonly<Record<string, MessageKey>> = {
  'add-device': 'opAddDevice',
  'deactivate-device': 'opDeactivateDevice',
};

/**
 * The operation in the person's language: a named operation by its name (docs/web-api.md's
 * list; a name this app does not know yet is shown as the service sent it), an operation on the
 * devices with the device's name, else a payment or a login by the request's kind.
 */
export function operationText(details: RequestDetails, t: Translate): string {
  const { operation } = details;
  const deviceKey =
    operation?.type === 'operation' && typeof operation.name === 'string'
      ? DEVICE_OPERATION_TEXT[operation.name]
      : undefined;
  // The device to deactivate is the operation's description: the name the person gave it.
  if (deviceKey !== undefined) return t(deviceKey, { name: operation?.description ?? '' });
  if (operation?.type === 'operation' && operation.name !== undefined && operation.name !== null) {
    const key = Object.hasOwn(OPERATION_TEXT, operation.name)
      ? OPERATION_TEXT[operation.name as OperationName]
      : undefined;
    return key === undefined ? t('opNamed', { name: operation.name }) : t(key);
  }
  if (operation?.type === 'payment' || details.kind === 'payment') return t('opPayment');
  return t('opLogin');
}

/**
 * The facts of a request, in the order a person checks them: who asks, for what, the site's
 * description, and for a payment the amount with its currency, the recipient and the note;
 * then the challenge.
 */
export function summaryRows(details: RequestDetails, t: Translate, siteName: string): SummaryRow[] {
  const rows: SummaryRow[] = [
    { part: 'site', label: t('site'), value: siteName },
    { part: 'operation', label: t('operation'), value: operationText(details, t) },
  ];
  const description = details.operation?.description;
  const inOperation = Object.hasOwn(DEVICE_OPERATION_TEXT, details.operation?.name ?? '');
  if (typeof description === 'string' && description.trim() !== '' && !inOperation) {
    rows.push({ part: 'description', label: t('description'), value: description });
  }
  if (details.payment !== undefined) {
    const { amount, currency, purse } = details.payment;
    rows.push({
      part: 'amount',
      label: t('amount'),
      value: currency === undefined || currency === '' ? amount : `${amount} ${currency}`,
    });
    rows.push({ part: 'recipient', label: t('recipient'), value: purse });
  }
  if (typeof details.note === 'string' && details.note.trim() !== '') {
    rows.push({ part: 'note', label: t('note'), value: details.note });
  }
  rows.push({ part: 'challenge', label: t('challengeLabel'), value: details.challenge });
  return rows;
}

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
