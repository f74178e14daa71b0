import type { MessageKey } from '../i18n/i18n.js';
import type { OperationName, RequestOperation } from './pending-request.js';

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
  | 'method'
  | 'operations'
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

const METHOD_TEXT: Readonly<Record<string, MessageKey>> = {
  app: 'methodApp',
  sms: 'methodSms',
  none: 'methodNone',
};

/**
 * Whether the request is an operation on the person's own account, asked for on the security
 * site: a device added or deactivated, or a settings change. Only these carry those names or
 * the requested settings (docs/web-api.md, "The app's side"); a relying site cannot send them.
 */
export function isAccountOperation(operation: RequestOperation | undefined): boolean {
  return (
    operation?.settings !== undefined || Object.hasOwn(DEVICE_OPERATION_TEXT, operation?.name ?? '')
  );
}

/** Who asks, as shown: the site's name, else the service's host, else "not named in the QR code". */
export function askerName(
  site: string | null | undefined,
  server: string | undefined,
  t: Translate,
): string {
  if (site !== undefined && site !== null) return site;
  if (server !== undefined) {
    try {
      return new URL(server).host;
    } catch {
      // An unreadable URL names nobody.
    }
  }
  return t('siteNotNamed');
}

/**
 * An amount with its currency; the original service's payment QR codes (`enum:p`) give none,
 * and the app says so rather than let a bare number pass for any currency.
 */
export function amountText(payment: NonNullable<RequestDetails['payment']>, t: Translate): string {
  const { amount, currency } = payment;
  return currency === undefined || currency === ''
    ? t('amountNoCurrency', { amount })
    : `${amount} ${currency}`;
}

/**
 * What typing the site's number makes sure of, in one sentence for each kind of request: a
 * login, a payment (with its amount and recipient), a relying site's operation, or an operation
 * on the person's own account.
 */
export function matchHint(details: RequestDetails, t: Translate, siteName: string): string {
  if (isAccountOperation(details.operation)) return t('matchHintAccount');
  if (details.payment !== undefined) {
    return t('matchHintPayment', {
      amount: amountText(details.payment, t),
      purse: details.payment.purse,
    });
  }
  if (details.operation?.type === 'operation') return t('matchHintOperation', { site: siteName });
  return t('matchHintLogin');
}

/** The operations a settings change asks to confirm, in the person's language. */
function operationsText(operations: readonly string[], t: Translate): string {
  if (operations.length === 0) return t('settingsOperationsNone');
  return operations
    .map((name) =>
      Object.hasOwn(OPERATION_TEXT, name) ? t(OPERATION_TEXT[name as OperationName]) : name,
    )
    .join(', ');
}

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
 * description, for a settings change the method and operations it asks for, and for a payment
 * the amount with its currency (or that none is given), the recipient and the note; then the
 * challenge.
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
  const settings = details.operation?.settings;
  if (settings !== undefined) {
    const method = Object.hasOwn(METHOD_TEXT, settings.method)
      ? METHOD_TEXT[settings.method]
      : undefined;
    rows.push({
      part: 'method',
      label: t('settingsMethod'),
      value: method === undefined ? settings.method : t(method),
    });
    rows.push({
      part: 'operations',
      label: t('settingsOperations'),
      value: operationsText(settings.operations, t),
    });
  }
  if (details.payment !== undefined) {
    rows.push({ part: 'amount', label: t('amount'), value: amountText(details.payment, t) });
    rows.push({ part: 'recipient', label: t('recipient'), value: details.payment.purse });
  }
  if (typeof details.note === 'string' && details.note.trim() !== '') {
    rows.push({ part: 'note', label: t('note'), value: details.note });
  }
  rows.push({ part: 'challenge', label: t('challengeLabel'), value: details.challenge });
  return rows;
}
