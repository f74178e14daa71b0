import type { FastifyRequest } from 'fastify';
import { hashToken } from '../crypto/code-hasher.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** The account behind a request's session. */
export interface Authenticated {
  readonly accountId: string;
  readonly email: string;
  readonly deviceId: string | null;
  readonly expiresAt: number;
}

/**
 * Finds the live session of `Authorization: Bearer <token>`.
 *
 * @throws ServiceError `ERR_UNAUTHENTICATED` when it is missing, unknown or expired.
 */
export async function authenticate(
  services: Services,
  request: FastifyRequest,
): Promise<Authenticated> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header) : null;
  if (!match?.[1]) throw new ServiceError('ERR_UNAUTHENTICATED');
  const session = await services.db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.account_id', 's.device_id', 's.expires_at', 'a.email', 'a.status'])
    .where('s.token_hash', '=', hashToken(match[1]))
    .executeTakeFirst();
  if (!session || session.expires_at <= services.clock.now() || session.status !== 'active') {
    throw new ServiceError('ERR_UNAUTHENTICATED');
  }
  return {
    accountId: session.account_id,
    email: session.email,
    deviceId: session.device_id,
    expiresAt: session.expires_at,
  };
}
