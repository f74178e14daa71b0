import type { ChallengeStatus } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { APPROVABLE_PURPOSES } from './purposes.js';

/** A request as a device acting on it reads it. */
export interface RequestForDevice {
  readonly account_id: string | null;
  readonly status: ChallengeStatus;
  readonly expires_at: number;
  readonly match_number: string | null;
  readonly ip: string | null;
  readonly purpose: string;
  readonly mode: string;
}

/**
 * Reads a pending request of the device's own account. A request of another
 * account is answered as if it did not exist.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_CHALLENGE_CLOSED`, `ERR_CHALLENGE_EXPIRED`.
 */
export async function loadForDevice(
  services: Services,
  device: { readonly accountId: string },
  id: string,
): Promise<RequestForDevice> {
  const row = await services.db
    .selectFrom('challenges as c')
    .select([
      'c.account_id',
      'c.status',
      'c.expires_at',
      'c.match_number',
      'c.ip',
      'c.purpose',
      'c.mode',
    ])
    .where('c.id', '=', id)
    .where('c.purpose', 'in', APPROVABLE_PURPOSES)
    .executeTakeFirst();
  if (!row || row.account_id !== device.accountId || row.match_number === null) {
    throw new ServiceError('ERR_LOGIN_NOT_FOUND');
  }
  if (row.status !== 'pending') throw new ServiceError('ERR_CHALLENGE_CLOSED');
  if (services.clock.now() >= row.expires_at) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
  return row;
}
