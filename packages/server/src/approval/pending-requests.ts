import type { ChallengeMode } from '../db/schema.js';
import type { Services } from '../services.js';
import type { PendingRequest } from './event-bus.js';

/** The purposes of challenges a device can approve online. */
export const APPROVABLE_PURPOSES = ['login', 'settings'] as const;

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
    .selectFrom('challenges')
    .select([
      'id',
      'mode',
      'challenge',
      'site',
      'ip',
      'created_at',
      'expires_at',
      'amount',
      'purse',
      'currency',
    ])
    // The range on expires_at uses its index: only the last few minutes of challenges are read.
    .where('expires_at', '>', services.clock.now())
    .where('account_id', '=', accountId)
    .where('status', '=', 'pending')
    .where('purpose', 'in', APPROVABLE_PURPOSES)
    .where('match_number', 'is not', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(MAX_PENDING)
    .execute();
  return rows.map(toPendingRequest);
}
