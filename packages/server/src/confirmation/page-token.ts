import { constantTimeEqual } from '@cipherpad/core';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

const PAGE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The secret of a confirmation's page on the security site: an HMAC of the
 * confirmation id under a key derived from the master key. Nothing is stored,
 * so the same URL can be given again (in `ERR_CONSENT_REQUIRED`), and it opens
 * that one confirmation's page only.
 */
export function pageToken(services: Services, id: string): string {
  return services.codes.hash('confirm-page-token', id);
}

/** `confirmUrl`: the security site's page for a confirmation (docs/confirmation-api.md). */
export function confirmUrl(services: Services, id: string): string {
  const query = new URLSearchParams({ id, token: pageToken(services, id) });
  return `${services.config.publicUrl}/confirm.html?${query.toString()}`;
}

/**
 * Checks the `X-Page-Token` of a request in constant time.
 *
 * @throws ServiceError `ERR_PAGE_TOKEN_INVALID`.
 */
export function assertPageToken(services: Services, id: string, header: unknown): void {
  const token = typeof header === 'string' ? header : '';
  if (!PAGE_TOKEN.test(token) || !constantTimeEqual(token, pageToken(services, id))) {
    throw new ServiceError('ERR_PAGE_TOKEN_INVALID');
  }
}
