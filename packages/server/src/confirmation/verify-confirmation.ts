import { runTransaction } from '@cipherpad/storage';
import { recordSuccess } from '../accounts/lockout.js';
import { recordEvent } from '../audit/record-event.js';
import { announceClosed } from '../challenges/challenge-events.js';
import { challengeRows } from '../challenges/challenge-rows.js';
import { type ChallengeDeviceRow, checkResponse } from '../challenges/check-response.js';
import { claimChallenge } from '../challenges/claim-challenge.js';
import { prepareQuery } from '../db/prepared-query.js';
import type { ConfirmationKind } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { AuthenticatedSite } from '../sites/authenticate-site.js';
import { confirmUrl } from './page-token.js';
import { settleConfirmation } from './settle-confirmation.js';

/** The answer to a right response. */
export interface VerifiedConfirmation {
  readonly id: string;
  readonly status: 'confirmed';
  readonly confirmedAt: number;
  readonly deviceId: string;
}

/**
 * The confirmation of a site with its challenge, its account's block state,
 * consent to the site and active devices: one row per device.
 */
const loadForVerify = prepareQuery<
  { id: string; siteId: string },
  ChallengeDeviceRow & {
    kind: ConfirmationKind;
    failed_attempts: number | null;
    consented_at: number | null;
  }
>((db, p) =>
  db
    .selectFrom('confirmations as f')
    .innerJoin(challengeRows(db), 'c.id', 'f.id')
    .leftJoin('accounts as a', 'a.id', 'c.account_id')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.account_id', '=', 'c.account_id').on('d.status', '=', 'active'),
    )
    .leftJoin('site_consents as sc', (join) =>
      join.onRef('sc.account_id', '=', 'c.account_id').onRef('sc.site_id', '=', 'f.site_id'),
    )
    .select([
      'f.kind',
      'c.account_id',
      'c.mode',
      'c.challenge',
      'c.amount',
      'c.purse',
      'c.status',
      'c.expires_at',
      'a.email',
      'a.status as account_status',
      'a.blocked_until',
      'a.block_level',
      'a.failed_attempts',
      'd.id as device_id',
      'd.ocra_key_enc',
      'sc.created_at as consented_at',
    ])
    .where('f.id', '=', p.id)
    .where('f.site_id', '=', p.siteId),
);

/**
 * Checks the response a person typed at the site, with the rules of a login
 * (`login/verify-login.ts`): the challenge expires, is used once (one
 * conditional UPDATE among concurrent verifies), takes at most 3 wrong
 * answers, and failures count toward the account's block. The response is
 * compared in constant time with every active device's, in the challenge's
 * mode: for a payment, bound to its amount and purse, so a response computed
 * for another payment is refused like any wrong one. A right response of a
 * person who has not consented to the site yet is refused with
 * `ERR_CONSENT_REQUIRED`, which does not count as a wrong answer; only a right
 * response learns it, so the refusal tells nothing about who has an account.
 *
 * @throws ServiceError `ERR_CONFIRMATION_NOT_FOUND`, `ERR_CHALLENGE_EXPIRED`,
 *   `ERR_CHALLENGE_CLOSED`, `ERR_ACCOUNT_LOCKED`, `ERR_ACCOUNT_BLOCKED`,
 *   `ERR_RESPONSE_REJECTED` (with `attemptsLeft`), `ERR_CONSENT_REQUIRED`
 *   (with `confirmUrl`).
 */
export async function verifyConfirmation(
  services: Services,
  site: AuthenticatedSite,
  id: string,
  response: unknown,
  ip: string,
): Promise<VerifiedConfirmation> {
  const { db, clock } = services;

  const { rows } = await loadForVerify(db, { id, siteId: site.id });
  const [row] = rows;
  if (!row) throw new ServiceError('ERR_CONFIRMATION_NOT_FOUND');
  const { accountId, deviceId } = await checkResponse(
    services,
    id,
    [row, ...rows.slice(1)],
    response,
    ip,
  );
  const now = clock.now();
  if (row.consented_at === null) {
    throw new ServiceError('ERR_CONSENT_REQUIRED', { confirmUrl: confirmUrl(services, id) });
  }

  const settled = await runTransaction(db, async (trx) => {
    // Re-checks, as it writes, that the challenge is pending and the account not blocked.
    const terms = await claimChallenge(services, trx, {
      id,
      accountId,
      now,
      from: 'pending',
      to: 'used',
      gate: 'typed',
    });
    const confirmed = await settleConfirmation(
      trx,
      id,
      { status: 'confirmed', method: 'response', deviceId },
      now,
      terms,
    );
    if (!confirmed) throw new ServiceError('ERR_CHALLENGE_EXPIRED');
    if ((row.failed_attempts ?? 0) > 0 || (row.block_level ?? 0) > 0) {
      await recordSuccess(trx, accountId);
    }
    await recordEvent(trx, {
      accountId,
      type: 'confirmation.succeeded',
      ip,
      deviceId,
      details: { site: site.name, operation: row.kind, mode: row.mode, method: 'response' },
      at: now,
    });
    return confirmed;
  });
  // Without a webhook URL there is nothing to deliver: no run of the dispatcher.
  if (settled.webhook) services.webhooks.kick();
  announceClosed(services, row.email, id);
  return { id, status: 'confirmed', confirmedAt: now, deviceId };
}
