import { constantTimeEqual } from '@cipherpad/core';
import { hashToken } from '../crypto/code-hasher.js';
import { ServiceError } from '../errors/service-error.js';

const WAIT_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * Checks the `X-Wait-Token` of a request against the stored hash: only the
 * site that started a login (or a confirmation change) holds the token. The
 * hashes are compared in constant time.
 *
 * @throws ServiceError `ERR_WAIT_TOKEN_INVALID`.
 */
export function assertWaitToken(header: unknown, storedHash: string | null): void {
  const token = typeof header === 'string' ? header : '';
  const valid =
    storedHash !== null &&
    WAIT_TOKEN.test(token) &&
    constantTimeEqual(hashToken(token), storedHash);
  if (!valid) throw new ServiceError('ERR_WAIT_TOKEN_INVALID');
}
