import { parseOperations } from '../accounts/confirmable-operations.js';
import type { ChallengeMode, ConfirmationKind } from '../db/schema.js';
import type { PendingRequest } from '../events/event-bus.js';
import type { Services } from '../services.js';
import { APPROVABLE_PURPOSES } from './purposes.js';

/** How many pending requests the app is shown at most. */
const MAX_PENDING = 20;

/** A challenge row as the app sees it. */
export function toPendingRequest(row: {
  id: string;
  mode: ChallengeMode;
  challenge: string;
  site: string | null;
  ip: string | null;
  created_at: number;
  expires_at: number;
  amount: string | null;
  purse: string | null;
  currency: string | null;
  /** A relying site's confirmation: its kind, operation and note, and whether the person consented. */
  kind?: ConfirmationKind | null;
  operation_name?: string | null;
  description?: string | null;
  note?: string | null;
  consented_at?: number | null;
  /** An account operation the person confirms (a settings or device challenge), and its device. */
  account_operation?: string | null;
  target_name?: string | null;
  /** A settings change: the method and the operations (a JSON list) it asks for. */
  settings_method?: string | null;
  settings_operations?: string | null;
}): PendingRequest {
  return {
    id: row.id,
    kind: row.mode === 'payment' ? 'payment' : 'login',
    challenge: row.challenge,
    site: row.site,
    ip: row.ip ?? '',
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.mode === 'payment'
      ? {
          payment: {
            amount: row.amount ?? '',
            purse: row.purse ?? '',
            ...(row.currency ? { currency: row.currency } : {}),
          },
        }
      : {}),
    ...(row.kind
      ? {
          operation: {
            type: row.kind,
            ...(row.operation_name ? { name: row.operation_name } : {}),
            ...(row.description ? { description: row.description } : {}),
          },
          ...(row.note ? { note: row.note } : {}),
          firstTime: row.consented_at === null || row.consented_at === undefined,
        }
      : {}),
    ...(row.account_operation ? { operation: accountOperationShown(row) } : {}),
  };
}

/**
 * How the app names an account operation (confirmation-settings/account-operation.ts's
 * `operationShown`, read back from its row): the operation, the device it acts on, and for a
 * settings change the method and operations it asks for.
 */
function accountOperationShown(row: {
  account_operation?: string | null;
  target_name?: string | null;
  settings_method?: string | null;
  settings_operations?: string | null;
}): NonNullable<PendingRequest['operation']> {
  if (row.account_operation === 'show-activation') return { type: 'operation', name: 'add-device' };
  if (row.account_operation === 'deactivate-device') {
    return { type: 'operation', name: 'deactivate-device', description: row.target_name ?? '' };
  }
  return {
    type: 'operation',
    name: 'security-settings',
    settings: {
      method: row.settings_method ?? '',
      operations: parseOperations(row.settings_operations ?? '[]'),
    },
  };
}

/**
 * The pending, unexpired requests of an account, newest first: what the app
 * shows when it opens. The number to match is never part of it.
 */
export async function listPendingRequests(
  services: Services,
  accountId: string,
): Promise<PendingRequest[]> {
  const rows = await services.db
    .selectFrom('challenges as c')
    .leftJoin('confirmations as f', 'f.id', 'c.id')
    .leftJoin('site_consents as sc', (join) =>
      join.onRef('sc.site_id', '=', 'f.site_id').onRef('sc.account_id', '=', 'c.account_id'),
    )
    .leftJoin('confirmation_changes as x', 'x.id', 'c.id')
    .leftJoin('devices as td', 'td.id', 'x.target')
    .select([
      'c.id',
      'c.mode',
      'c.challenge',
      'c.site',
      'c.ip',
      'c.created_at',
      'c.expires_at',
      'c.amount',
      'c.purse',
      'c.currency',
      'f.kind',
      'f.operation_name',
      'f.description',
      'f.note',
      'sc.created_at as consented_at',
      'x.operation as account_operation',
      'td.name as target_name',
      'x.method as settings_method',
      'x.operations as settings_operations',
    ])
    // The range on expires_at uses its index: only the last few minutes of challenges are read.
    .where('c.expires_at', '>', services.clock.now())
    .where('c.account_id', '=', accountId)
    .where('c.status', '=', 'pending')
    .where('c.purpose', 'in', APPROVABLE_PURPOSES)
    .where('c.match_number', 'is not', null)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(MAX_PENDING)
    .execute();
  return rows.map(toPendingRequest);
}
