import { formatQrUri } from '@cipherpad/core';
import { newId, runTransaction } from '@cipherpad/storage';
import {
  ALL_OPERATIONS,
  CONFIRMATION_METHODS,
  type ConfirmationMethod,
  type Operation,
} from '../accounts/confirmable-operations.js';
import { assertNotBlocked } from '../accounts/lockout.js';
import { announceRequest } from '../challenges/challenge-events.js';
import { createChallenge } from '../challenges/create-challenge.js';
import { randomDigits } from '../crypto/code-hasher.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import { type AccountOperation, operationShown, smsText } from './account-operation.js';

/** How a settings challenge is shown in the app: the asking "site". */
export const SETTINGS_SITE = 'Cipherpad settings';

/** The confirmation a settings change waits for. */
export interface StartedConfirmationChange {
  readonly id: string;
  readonly channel: 'app' | 'sms';
  readonly expiresAt: number;
  /** Channel `app`: the challenge, its QR URI, the number to match and the wait token. */
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
  readonly waitToken?: string;
}

/** Checks a requested method and operations; the operations come back in canonical order. */
export function parseSettings(input: { method?: unknown; operations?: unknown }): {
  method: ConfirmationMethod;
  operations: Operation[];
} {
  const method = input.method;
  if (typeof method !== 'string' || !(CONFIRMATION_METHODS as readonly string[]).includes(method)) {
    throw new ServiceError('ERR_VALIDATION', {}, 'method must be "app", "sms" or "none".');
  }
  const operations = input.operations;
  if (
    !Array.isArray(operations) ||
    operations.some((op) => !(ALL_OPERATIONS as readonly unknown[]).includes(op)) ||
    new Set(operations).size !== operations.length
  ) {
    throw new ServiceError(
      'ERR_VALIDATION',
      {},
      `operations must be a list of distinct operations among ${ALL_OPERATIONS.join(', ')}.`,
    );
  }
  return {
    method: method as ConfirmationMethod,
    operations: ALL_OPERATIONS.filter((op) => operations.includes(op)),
  };
}

/**
 * PRODUCT.md flow 9: a change of the confirmation settings waits for a
 * confirmation with the account's current authenticator. With the app (the
 * method `app`, or `none`, since the app is still what signs in), a challenge
 * like a login's, purpose `settings`, that the app answers offline or
 * approves online with the number to match; with `sms`, a 6-digit code by SMS.
 * Either lives `policy.challengeTtlMs`.
 *
 * @throws ServiceError `ERR_VALIDATION`, `ERR_RATE_LIMITED_ADDRESS`,
 *   `ERR_ACCOUNT_LOCKED`, `ERR_ACCOUNT_BLOCKED`.
 */
export async function startConfirmationChange(
  services: Services,
  accountId: string,
  input: { method?: unknown; operations?: unknown },
  ip: string,
): Promise<StartedConfirmationChange> {
  return startAccountConfirmation(
    services,
    accountId,
    { kind: 'settings', ...parseSettings(input) },
    ip,
  );
}

/**
 * Starts the confirmation of an account operation (account-operation.ts).
 * A settings change goes by the account's current method, as
 * {@link startConfirmationChange} says. A device operation is confirmed
 * whatever the settings say: by an activated device (typed response, QR
 * code, or online approval with the number to match), or by an SMS code to
 * the registered phone only when no device is active any more.
 *
 * @throws ServiceError `ERR_RATE_LIMITED_ADDRESS`, `ERR_ACCOUNT_LOCKED`,
 *   `ERR_ACCOUNT_BLOCKED`, `ERR_UNAUTHENTICATED`.
 */
export async function startAccountConfirmation(
  services: Services,
  accountId: string,
  operation: AccountOperation,
  ip: string,
): Promise<StartedConfirmationChange> {
  const { db, clock, policy, codes, delivery, config, rateLimiter } = services;
  const wanted =
    operation.kind === 'settings'
      ? operation
      : { method: '', operations: [] as readonly Operation[] };
  if (
    !(await rateLimiter.hit(
      `confirmation-change:${accountId}`,
      policy.confirmationChangesPerAccount,
    ))
  ) {
    throw new ServiceError('ERR_RATE_LIMITED_ADDRESS');
  }
  const account = await db
    .selectFrom('accounts')
    .select(['email', 'phone', 'status', 'blocked_until', 'block_level', 'confirmation_method'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) throw new ServiceError('ERR_UNAUTHENTICATED');
  assertNotBlocked(services, account);

  const id = newId();
  const now = clock.now();
  const expiresAt = now + policy.challengeTtlMs;
  const change = {
    id,
    account_id: accountId,
    method: wanted.method,
    operations: JSON.stringify(wanted.operations),
    attempts: 0,
    status: 'pending' as const,
    created_at: now,
    expires_at: expiresAt,
    completed_at: null,
    operation: operation.kind,
    target: operation.kind === 'deactivate-device' ? operation.deviceId : null,
  };

  if (await bySms(services, accountId, operation, account.confirmation_method)) {
    const code = randomDigits(6);
    await runTransaction(db, async (trx) => {
      await trx
        .insertInto('confirmation_changes')
        .values({ ...change, channel: 'sms', code_hash: codes.hash(`settings-sms:${id}`, code) })
        .execute();
      await delivery.enqueue(trx, {
        channel: 'sms',
        recipient: account.phone,
        subject: null,
        body: smsText(operation, code),
      });
    });
    delivery.kick();
    return { id, channel: 'sms', expiresAt };
  }

  const { challenge, matchNumber, waitToken } = await runTransaction(db, async (trx) => {
    const created = await createChallenge(trx, {
      id,
      accountId,
      purpose: 'settings',
      mode: 'authorization',
      now,
      expiresAt,
      ip,
      site: SETTINGS_SITE,
    });
    await trx
      .insertInto('confirmation_changes')
      .values({ ...change, channel: 'app', code_hash: null })
      .execute();
    return created;
  });
  announceRequest(services, account.email, {
    id,
    kind: 'login',
    challenge,
    site: SETTINGS_SITE,
    ip,
    createdAt: now,
    expiresAt,
    operation: operationShown(operation),
  });
  return {
    id,
    channel: 'app',
    challenge,
    uri: formatQrUri({
      kind: 'login',
      challenge,
      id,
      server: config.publicUrl,
      site: SETTINGS_SITE,
    }),
    matchNumber,
    waitToken,
    expiresAt,
  };
}

/**
 * Whether the confirmation goes by SMS: a settings change when the account
 * confirms by SMS; a device operation only when no device is active.
 */
async function bySms(
  services: Services,
  accountId: string,
  operation: AccountOperation,
  method: string,
): Promise<boolean> {
  if (operation.kind === 'settings') return method === 'sms';
  const active = await services.db
    .selectFrom('devices')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'active')
    .limit(1)
    .executeTakeFirst();
  return active === undefined;
}
