import { formatQrUri, generateChallenge, type QrRequest } from '@cipherpad/core';
import { fillRandom, newId, randomIntBelow } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../accounts/contact.js';
import { announceRequest } from '../challenges/challenge-events.js';
import { createSiteChallenge } from '../challenges/create-challenge.js';
import { prepareQuery } from '../db/prepared-query.js';
import type { ChallengeMode, ConfirmationKind, Database } from '../db/schema.js';
import type { Services } from '../services.js';
import type { AuthenticatedSite } from '../sites/authenticate-site.js';
import {
  type ConfirmationOperation,
  modeOf,
  parseOperation,
} from '../sites/confirmation-operation.js';
import { idempotent } from '../sites/idempotency.js';
import { confirmUrl } from './page-token.js';

/** The answer to `POST /v1/confirmations` (docs/confirmation-api.md). */
export interface CreatedConfirmation {
  readonly id: string;
  readonly status: 'pending';
  readonly mode: ChallengeMode;
  readonly challenge: string;
  readonly uri: string;
  readonly matchNumber: string;
  readonly expiresAt: number;
  readonly confirmUrl: string;
}

/**
 * Asks a person to confirm a login, a named operation or a payment for a
 * site. The challenge is a login's (random, 5 minutes, single use, 3 wrong
 * answers), on a challenge row of purpose `confirmation`; a payment is
 * Payment mode, bound to the amount and the purse. For an email without an
 * account the answer looks the same (a challenge no response opens). The
 * account's open apps are told at once, with `firstTime` when the person has
 * not consented to the site yet. With an `Idempotency-Key` a retried request
 * gets the first answer and creates nothing.
 *
 * @throws ServiceError `ERR_EMAIL_REQUIRED`, `ERR_EMAIL_INVALID`,
 *   `ERR_VALIDATION`, `ERR_IDEMPOTENCY_CONFLICT`; core `ERR_AMOUNT_INVALID`,
 *   `ERR_PURSE_INVALID`.
 */
export async function createConfirmation(
  services: Services,
  site: AuthenticatedSite,
  body: { email?: unknown; operation?: unknown },
  idempotencyKey: unknown,
  ip: string,
): Promise<CreatedConfirmation> {
  const email = normalizeEmail(body.email);
  const operation = parseOperation(body.operation, ['login', 'operation', 'payment']);
  let announce: (() => void) | null = null;
  const { answer, replayed } = await idempotent(
    services,
    site.id,
    idempotencyKey,
    { method: 'POST', path: '/v1/confirmations', body },
    async (trx) => {
      const created = await insertConfirmation(services, trx, site, email, operation, ip);
      announce = created.announce;
      return created.answer;
    },
  );
  // A replay created nothing (a creation that lost a race on its key was undone).
  if (!replayed) (announce as (() => void) | null)?.();
  return { ...answer, confirmUrl: confirmUrl(services, answer.id) };
}

/** A fresh challenge's random parts. */
export function drawChallenge(): { challenge: string; matchNumber: string } {
  return {
    challenge: generateChallenge(fillRandom),
    matchNumber: String(10 + randomIntBelow(90)),
  };
}

/** The QR URI of a confirmation's challenge, naming the site. */
export function confirmationUri(
  services: Services,
  c: {
    id: string;
    challenge: string;
    siteName: string;
    operation: ConfirmationOperation;
  },
): string {
  const qr: QrRequest =
    c.operation.type === 'payment'
      ? {
          kind: 'payment',
          challenge: c.challenge,
          amount: c.operation.amount ?? '',
          purse: c.operation.purse ?? '',
          ...(c.operation.currency ? { currency: c.operation.currency } : {}),
          site: c.siteName,
          id: c.id,
          server: services.config.publicUrl,
        }
      : {
          kind: 'login',
          challenge: c.challenge,
          site: c.siteName,
          id: c.id,
          server: services.config.publicUrl,
        };
  // The short form (`cipherpad:p?c=…`) makes a smaller QR code.
  return formatQrUri(qr, { short: true });
}

/** The confirmation itself, on the id of its challenge row. */
const insertConfirmationRow = prepareQuery<
  {
    id: string;
    siteId: string;
    email: string;
    kind: ConfirmationKind;
    operationName: string | null;
    description: string | null;
    note: string | null;
    now: number;
  },
  never
>((db, p) =>
  db.insertInto('confirmations').values({
    id: p.id,
    site_id: p.siteId,
    email: p.email,
    kind: p.kind,
    operation_name: p.operationName,
    description: p.description,
    note: p.note,
    status: 'pending',
    method: null,
    device_id: null,
    created_at: p.now,
    completed_at: null,
  }),
);

async function insertConfirmation(
  services: Services,
  trx: Kysely<Database>,
  site: AuthenticatedSite,
  email: string,
  operation: ConfirmationOperation,
  ip: string,
): Promise<{ answer: Omit<CreatedConfirmation, 'confirmUrl'>; announce: (() => void) | null }> {
  const { clock, policy } = services;
  const id = newId();
  const { challenge, matchNumber } = drawChallenge();
  const now = clock.now();
  const expiresAt = now + policy.challengeTtlMs;
  const mode = modeOf(operation);
  const account = await createSiteChallenge(trx, {
    id,
    email,
    siteId: site.id,
    siteName: site.name,
    mode,
    challenge,
    amount: operation.amount ?? null,
    purse: operation.purse ?? null,
    currency: operation.currency ?? null,
    now,
    expiresAt,
    matchNumber,
    ip,
  });
  await insertConfirmationRow(trx, {
    id,
    siteId: site.id,
    email,
    kind: operation.type,
    operationName: operation.name ?? null,
    description: operation.description ?? null,
    note: operation.note ?? null,
    now,
  });
  const announce =
    account && account.account_id !== null
      ? () =>
          announceRequest(services, email, {
            id,
            kind: mode === 'payment' ? 'payment' : 'login',
            challenge,
            site: site.name,
            ip,
            createdAt: now,
            expiresAt,
            ...pendingExtras(operation, account.consented_at === null),
          })
      : null;
  return {
    answer: {
      id,
      status: 'pending',
      mode,
      challenge,
      uri: confirmationUri(services, { id, challenge, siteName: site.name, operation }),
      matchNumber,
      expiresAt,
    },
    announce,
  };
}

/** The fields a confirmation adds to a PendingRequest (docs/confirmation-api.md). */
export function pendingExtras(operation: ConfirmationOperation, firstTime: boolean) {
  return {
    ...(operation.type === 'payment'
      ? {
          payment: {
            amount: operation.amount ?? '',
            purse: operation.purse ?? '',
            ...(operation.currency ? { currency: operation.currency } : {}),
          },
        }
      : {}),
    operation: {
      type: operation.type,
      ...(operation.name ? { name: operation.name } : {}),
      ...(operation.description ? { description: operation.description } : {}),
    },
    ...(operation.note ? { note: operation.note } : {}),
    firstTime,
  };
}
