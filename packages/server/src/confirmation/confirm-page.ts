import { runTransaction } from '@cipherpad/storage';
import type { FastifyRequest } from 'fastify';
import { bindChallenge, holdUnbound } from '../challenges/bind-challenge.js';
import { announceReissued, announceRequest } from '../challenges/challenge-events.js';
import type { ChallengeMode, ConfirmationStatus } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { authenticate } from '../sessions/authenticate.js';
import { sessionCookie } from '../sessions/web-session.js';
import type { ConfirmationOperation } from '../sites/confirmation-operation.js';
import { hasConsent, recordConsent } from '../sites/record-consent.js';
import {
  type ConfirmationRow,
  currentStatus,
  loadConfirmation,
  operationOf,
} from './confirmation-view.js';
import { confirmationUri, drawChallenge, pendingExtras } from './create-confirmation.js';
import { assertPageToken } from './page-token.js';

/** A confirmation as the security site's page shows it (docs/confirmation-api.md). */
export interface ConfirmPage {
  readonly id: string;
  readonly status: ConfirmationStatus;
  readonly site: { readonly name: string };
  readonly operation: ConfirmationOperation;
  readonly email: string;
  readonly hasAccount: boolean;
  readonly bound: boolean;
  readonly consented: boolean;
  readonly signedInAsOwner: boolean;
  readonly expiresAt: number;
  readonly mode?: ChallengeMode;
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
}

/**
 * Reads the confirmation of a page request: the page token must match.
 *
 * @throws ServiceError `ERR_CONFIRMATION_NOT_FOUND`, `ERR_PAGE_TOKEN_INVALID`.
 */
async function loadForPage(
  services: Services,
  id: string,
  request: FastifyRequest,
): Promise<ConfirmationRow> {
  const row = await loadConfirmation(services.db, id);
  if (!row) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
  assertPageToken(services, id, request.headers['x-page-token']);
  return row;
}

/** The account signed in on the security site by its cookie, if any. */
async function signedInAccount(
  services: Services,
  request: FastifyRequest,
): Promise<string | null> {
  if (request.headers.authorization === undefined && sessionCookie(request) === null) return null;
  try {
    return (await authenticate(services, request)).accountId;
  } catch {
    return null;
  }
}

async function view(
  services: Services,
  row: ConfirmationRow,
  signedIn: string | null,
): Promise<ConfirmPage> {
  const now = services.clock.now();
  const account = await services.db
    .selectFrom('accounts')
    .select('id')
    .where('email', '=', row.email)
    .executeTakeFirst();
  const consented = account ? await hasConsent(services.db, account.id, row.site_id) : false;
  const status = currentStatus(row, now);
  const bound = row.account_id !== null;
  const operation = operationOf(row);
  return {
    id: row.id,
    status,
    site: { name: row.site_name },
    operation,
    email: row.email,
    hasAccount: account !== undefined,
    bound,
    consented,
    signedInAsOwner: account !== undefined && signedIn === account.id,
    expiresAt: row.expires_at,
    ...(status === 'pending' && bound && row.match_number !== null
      ? {
          mode: row.mode,
          challenge: row.challenge,
          uri: confirmationUri(services, {
            id: row.id,
            challenge: row.challenge,
            siteName: row.site_name,
            operation,
          }),
          matchNumber: row.match_number,
        }
      : {}),
  };
}

/** Refuses a confirmation that is no longer pending. */
function assertPending(row: ConfirmationRow, now: number): void {
  const status = currentStatus(row, now);
  if (status === 'expired') throw new ServiceError('ERR_CHALLENGE_EXPIRED');
  if (status !== 'pending' || row.challenge_status !== 'pending') {
    throw new ServiceError('ERR_CHALLENGE_CLOSED');
  }
}

/** `GET /v1/confirm-pages/:id`: what is asked, by which site, for whom. */
export async function getConfirmPage(
  services: Services,
  id: string,
  request: FastifyRequest,
): Promise<ConfirmPage> {
  const row = await loadForPage(services, id, request);
  return view(services, row, await signedInAccount(services, request));
}

/**
 * `POST /v1/confirm-pages/:id/consent`: the signed-in owner of the
 * confirmation's email allows the site (`site.consented`).
 *
 * @throws ServiceError `ERR_UNAUTHENTICATED`, `ERR_CSRF`,
 *   `ERR_CONFIRMATION_ACCOUNT_MISMATCH`, `ERR_CHALLENGE_EXPIRED`, `ERR_CHALLENGE_CLOSED`.
 */
export async function consentOnPage(
  services: Services,
  id: string,
  request: FastifyRequest,
): Promise<ConfirmPage> {
  const row = await loadForPage(services, id, request);
  const who = await authenticate(services, request);
  if (who.email !== row.email) throw new ServiceError('ERR_CONFIRMATION_ACCOUNT_MISMATCH');
  const now = services.clock.now();
  assertPending(row, now);
  await runTransaction(services.db, (trx) =>
    recordConsent(trx, {
      accountId: who.accountId,
      siteId: row.site_id,
      siteName: row.site_name,
      ip: request.ip,
      deviceId: who.deviceId,
      via: 'page',
      now,
    }),
  );
  return view(services, row, who.accountId);
}

/**
 * `POST /v1/confirm-pages/:id/hold`: keeps a confirmation for an email
 * without an account open while the person registers inline (PRODUCT.md
 * flow 3), until `policy.confirmationRegistrationWindowMs` after its creation.
 *
 * @throws ServiceError `ERR_CONFIRMATION_BOUND`, `ERR_CHALLENGE_EXPIRED`, `ERR_CHALLENGE_CLOSED`.
 */
export async function holdConfirmation(
  services: Services,
  id: string,
  request: FastifyRequest,
): Promise<ConfirmPage> {
  const row = await loadForPage(services, id, request);
  const now = services.clock.now();
  assertPending(row, now);
  if (row.account_id !== null) throw new ServiceError('ERR_CONFIRMATION_BOUND');
  const until = row.created_at + services.policy.confirmationRegistrationWindowMs;
  await holdUnbound(services.db, id, now, until);
  announceReissued(services, id);
  const fresh = await loadConfirmation(services.db, id);
  if (!fresh) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
  return view(services, fresh, await signedInAccount(services, request));
}

/**
 * `POST /v1/confirm-pages/:id/rebind`: after inline registration and the
 * app's activation, binds the confirmation to the account that now has its
 * email, with a fresh challenge (the earlier one stops working), and shows
 * it in the account's app. Already bound: changes nothing.
 *
 * @throws ServiceError `ERR_ACCOUNT_NOT_READY`, `ERR_CHALLENGE_EXPIRED`, `ERR_CHALLENGE_CLOSED`.
 */
export async function rebindConfirmation(
  services: Services,
  id: string,
  request: FastifyRequest,
): Promise<ConfirmPage> {
  const row = await loadForPage(services, id, request);
  const signedIn = await signedInAccount(services, request);
  if (row.account_id !== null) return view(services, row, signedIn);
  const now = services.clock.now();
  assertPending(row, now);
  const account = await services.db
    .selectFrom('accounts as a')
    .innerJoin('devices as d', (join) =>
      join.onRef('d.account_id', '=', 'a.id').on('d.status', '=', 'active'),
    )
    .select(['a.id'])
    .where('a.email', '=', row.email)
    .where('a.status', '=', 'active')
    .limit(1)
    .executeTakeFirst();
  if (!account) throw new ServiceError('ERR_ACCOUNT_NOT_READY');
  const { challenge, matchNumber } = drawChallenge();
  const expiresAt = Math.min(
    now + services.policy.challengeTtlMs,
    row.created_at + services.policy.confirmationRegistrationWindowMs,
  );
  const rebound = await bindChallenge(services.db, {
    id,
    accountId: account.id,
    challenge,
    matchNumber,
    expiresAt,
    now,
  });
  const fresh = await loadConfirmation(services.db, id);
  if (!fresh) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
  if (!rebound) {
    if (fresh.account_id !== null) return view(services, fresh, signedIn);
    assertPending(fresh, services.clock.now());
    throw new ServiceError('ERR_CHALLENGE_CLOSED');
  }
  announceReissued(services, id);
  const consented = await hasConsent(services.db, account.id, row.site_id);
  announceRequest(services, row.email, {
    id,
    kind: fresh.mode === 'payment' ? 'payment' : 'login',
    challenge,
    site: row.site_name,
    ip: request.ip,
    createdAt: now,
    expiresAt,
    ...pendingExtras(operationOf(fresh), !consented),
  });
  return view(services, fresh, signedIn);
}
