import type { Transfer } from '../ledger/create-transfer.js';
import { currencyOf, formatAmount } from '../ledger/money.js';

/** A transfer as the JSON API answers it (docs/keeper.md). */
export interface TransferView {
  readonly id: string;
  readonly kind: 'transfer' | 'issue';
  readonly status: 'held' | 'completed' | 'cancelled';
  /** Seen from the asking user: money leaving (`out`) or entering (`in`) one of their purses. */
  readonly direction: 'out' | 'in';
  readonly from: string | null;
  readonly to: string;
  readonly recipientEmail: string | null;
  /** Two decimals, `25.50`. */
  readonly amount: string;
  readonly currency: string;
  readonly currencyCode: string;
  readonly note: string;
  readonly createdAt: number;
  readonly completedAt: number | null;
  readonly cancelReason: string | null;
  readonly confirmation: {
    readonly method: 'none' | 'cipherpad' | 'sms';
    readonly challenge?: string;
    readonly uri?: string;
    readonly matchNumber?: string;
    readonly expiresAt?: number;
    readonly confirmUrl?: string;
  };
}

/** The transfer as `userPurses`' owner sees it; the challenge only to the payer while held. */
export function transferView(transfer: Transfer, userPurses: ReadonlySet<string>): TransferView {
  const direction = userPurses.has(transfer.from_account) ? 'out' : 'in';
  const held = transfer.status === 'held' && direction === 'out';
  return {
    id: transfer.id,
    kind: transfer.kind,
    status: transfer.status,
    direction,
    from: transfer.kind === 'issue' ? null : transfer.from_account,
    to: transfer.to_account,
    recipientEmail: direction === 'out' ? transfer.recipient_email : null,
    amount: formatAmount(transfer.amount),
    currency: transfer.currency,
    currencyCode: currencyOf(transfer.currency)?.code ?? transfer.currency,
    note: transfer.note,
    createdAt: transfer.created_at,
    completedAt: transfer.completed_at,
    cancelReason: transfer.cancel_reason,
    confirmation: {
      method: transfer.confirmation,
      ...(held && transfer.challenge ? { challenge: transfer.challenge } : {}),
      ...(held && transfer.uri ? { uri: transfer.uri } : {}),
      ...(held && transfer.match_number ? { matchNumber: transfer.match_number } : {}),
      ...(held && transfer.expires_at ? { expiresAt: transfer.expires_at } : {}),
      ...(held && transfer.confirm_url ? { confirmUrl: transfer.confirm_url } : {}),
    },
  };
}
