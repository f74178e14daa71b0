import type { ConfirmationSettings } from '../accounts/confirmable-operations.js';
import { confirmationOf } from '../accounts/confirmation-of.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** The signed-in person's account, as the security site shows it. */
export interface AccountView {
  readonly id: string;
  readonly email: string;
  /** Masked: the country code and the last 4 digits, as in `+44 ••• ••• 1234`. */
  readonly phone: string;
  readonly createdAt: number;
  readonly confirmation: ConfirmationSettings;
}

/**
 * Masks a phone number in E.164 form: the country code (one digit for the
 * North American and Russian zones `+1` and `+7`, else the first two) and the
 * last four digits stay.
 *
 * @example
 * ```ts
 * maskPhone('+442079461234'); // '+44 ••• ••• 1234'
 * ```
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/^\+/, '');
  const country = digits.startsWith('1') || digits.startsWith('7') ? 1 : 2;
  return `+${digits.slice(0, country)} ••• ••• ${digits.slice(-4)}`;
}

/**
 * The account of the session.
 *
 * @throws ServiceError `ERR_UNAUTHENTICATED` if it no longer exists.
 */
export async function getAccount(services: Services, accountId: string): Promise<AccountView> {
  const row = await services.db
    .selectFrom('accounts')
    .select([
      'id',
      'email',
      'phone',
      'created_at',
      'confirmation_method',
      'confirmation_operations',
    ])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row) throw new ServiceError('ERR_UNAUTHENTICATED');
  return {
    id: row.id,
    email: row.email,
    phone: maskPhone(row.phone),
    createdAt: row.created_at,
    confirmation: confirmationOf(row),
  };
}
