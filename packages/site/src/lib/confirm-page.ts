import { type Lang, type MessageKey, translate } from '../i18n/i18n.js';
import { api, BACKGROUND } from './api.js';

/** The named operations of docs/web-api.md, "Confirmation settings". */
export const OPERATIONS = [
  'login',
  'payment',
  'personal-data',
  'security-settings',
  'trust-transfer',
  'merchant-payment',
  'credit-exchange',
  'trust-limit',
] as const;

/** One of {@link OPERATIONS}. */
export type Operation = (typeof OPERATIONS)[number];

/** What a relying site asks to confirm (docs/confirmation-api.md, "Confirmations"). */
export type ConfirmOperation =
  | { readonly type: 'login' }
  | { readonly type: 'operation'; readonly name: string; readonly description?: string }
  | {
      readonly type: 'payment';
      readonly amount: string;
      readonly currency: string;
      readonly purse: string;
      readonly note?: string;
    };

/** The page's view of a confirmation (docs/confirmation-api.md, "Security site page"). */
export interface ConfirmPage {
  readonly id: string;
  readonly status: 'pending' | 'confirmed' | 'denied' | 'expired' | 'failed';
  readonly site: { readonly name: string };
  readonly operation: ConfirmOperation;
  readonly email: string;
  readonly hasAccount: boolean;
  readonly bound: boolean;
  readonly consented: boolean;
  readonly signedInAsOwner: boolean;
  readonly expiresAt: number;
  readonly mode?: 'authorization' | 'payment';
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
}

/** Where the page is: its confirmation and the secret that opens it. */
export interface PageAddress {
  readonly id: string;
  readonly token: string;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const STORE = 'cipherpad.confirm.';

/**
 * Reads the confirmation id and page token from the address (`?id=…&token=…`), or the token
 * kept for that id in this tab (after the address bar was cleaned, a sign-in or a reload).
 * Null when either is missing or malformed.
 */
export function readPageAddress(
  search: string,
  stored: (id: string) => string | null,
): PageAddress | null {
  const query = new URLSearchParams(search);
  const id = query.get('id') ?? '';
  if (!ID.test(id)) return null;
  const token = query.get('token') ?? stored(id) ?? '';
  return TOKEN.test(token) ? { id, token } : null;
}

/** The page token kept in this tab's `sessionStorage` for confirmation `id`, if any. */
export function storedToken(id: string): string | null {
  try {
    return sessionStorage.getItem(STORE + id);
  } catch {
    return null;
  }
}

/** Keeps the page token for this tab: the address bar no longer shows it. */
export function keepToken(address: PageAddress): void {
  try {
    sessionStorage.setItem(STORE + address.id, address.token);
  } catch {
    // Without storage, a reload needs the link from the site again.
  }
}

/** The page's own address, without the token (what the address bar shows, and where sign-in returns). */
export function pagePath(id: string): string {
  return `/confirm.html?id=${encodeURIComponent(id)}`;
}

/** What the page shows of a confirmation. */
export type ConfirmStep =
  /** No longer pending: confirmed, denied, expired or failed. */
  | 'final'
  /** No account for the email: offer registration. */
  | 'register'
  /** The account exists but the challenge is not bound to it yet: activate the app, then rebind. */
  | 'activate'
  /** The challenge, with the consent when it is missing. */
  | 'challenge';

/** Which step a confirmation is at. */
export function confirmStep(page: ConfirmPage): ConfirmStep {
  if (page.status !== 'pending') return 'final';
  if (!page.hasAccount) return 'register';
  if (!page.bound || !page.challenge) return 'activate';
  return 'challenge';
}

/**
 * How the person can consent to the site: not needed, a button (signed in as the owner of the
 * confirmation's email), or signing in first (approving in the app consents too).
 */
export function consentAction(
  page: ConfirmPage,
  signedIn: boolean,
): 'none' | 'allow' | 'sign-in' | 'other-account' {
  if (page.consented) return 'none';
  if (page.signedInAsOwner) return 'allow';
  return signedIn ? 'other-account' : 'sign-in';
}

/** The message for a confirmation that is no longer pending (`final`). */
export function finalMessage(status: ConfirmPage['status']): MessageKey | null {
  return status === 'pending' ? null : `confirm.final.${status}`;
}

/** A fact of what the site asks, for the page's list. */
export interface OperationFact {
  readonly part: 'site' | 'operation' | 'description' | 'amount' | 'recipient' | 'note' | 'account';
  readonly label: MessageKey;
  readonly value: string;
}

function isOperation(name: string): name is Operation {
  return (OPERATIONS as readonly string[]).includes(name);
}

/** The operation in a language: a named one by its name, else a login or a payment. */
export function operationName(operation: ConfirmOperation, lang: Lang): string {
  if (operation.type === 'operation') {
    return isOperation(operation.name)
      ? translate(lang, `confirm.op.${operation.name}`)
      : translate(lang, 'confirm.op.other', { name: operation.name });
  }
  return translate(lang, operation.type === 'payment' ? 'confirm.op.payment' : 'confirm.op.login');
}

/**
 * What the site asks, in the order a person checks it: the site, the operation (and the site's
 * description of it); for a payment the amount with its currency, the recipient's purse and the
 * note; and the email it is asked for.
 */
export function operationFacts(page: ConfirmPage, lang: Lang): OperationFact[] {
  const op = page.operation;
  const facts: OperationFact[] = [
    { part: 'site', label: 'confirm.site', value: page.site.name },
    { part: 'operation', label: 'confirm.operation', value: operationName(op, lang) },
  ];
  if (op.type === 'operation' && op.description) {
    facts.push({ part: 'description', label: 'confirm.description', value: op.description });
  }
  if (op.type === 'payment') {
    facts.push(
      { part: 'amount', label: 'confirm.amount', value: `${op.amount} ${op.currency}`.trim() },
      { part: 'recipient', label: 'confirm.recipient', value: op.purse },
    );
    if (op.note) facts.push({ part: 'note', label: 'confirm.note', value: op.note });
  }
  facts.push({ part: 'account', label: 'confirm.email', value: page.email });
  return facts;
}

/** The page's calls, each with the page token (docs/confirmation-api.md, "Security site page"). */
export function confirmApi(address: PageAddress) {
  const base = `/v1/confirm-pages/${encodeURIComponent(address.id)}`;
  const headers = { 'x-page-token': address.token };
  return {
    /** `GET`: the confirmation as the page sees it. */
    load: (signal?: AbortSignal) =>
      api<ConfirmPage>('GET', base, { headers, ...(signal ? { signal } : {}) }),
    /** `GET` by the page's own timer: not the person's activity (`X-Background-Request`). */
    poll: () => api<ConfirmPage>('GET', base, { headers: { ...headers, ...BACKGROUND } }),
    /** Keeps the confirmation open while the person registers (flow 3). */
    hold: () => api<ConfirmPage>('POST', `${base}/hold`, { headers }),
    /** Binds the confirmation to the new account once its app is activated. */
    rebind: () => api<ConfirmPage>('POST', `${base}/rebind`, { headers }),
    /** Records the signed-in owner's consent to the site. */
    consent: () => api<ConfirmPage>('POST', `${base}/consent`, { headers }),
  };
}
