import type { Kysely } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Database } from '../db/schema.js';
import type { Services } from '../services.js';

/** The events that end a run of failures: a success, a change confirmed, or an approval that ended them. */
const SUCCESSES = [
  'login.succeeded',
  'confirmation.succeeded',
  'confirmation.changed',
  'account.unblocked',
] as const;

/** The counted wrong answers the owner is told about. */
const FAILURES = ['login.failed', 'confirmation.failed'] as const;

/** How many wrong answers since the last success are listed, at most. */
const MAX_LISTED = 1000;

/** What the owner is told when an approval ended a run of failures. */
export interface EndedFailures {
  readonly failures: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly addresses: readonly string[];
}

/**
 * Ends the failures of an account because its owner approved a request
 * online, with a request signed by one of the account's activated devices
 * (what a stranger who guesses responses cannot forge; docs/security.md).
 * Clears the failure count and the block, lifts a lock that typed failures
 * caused (`locked_by = 'failures'`; a lock only an operator or recovery
 * lifts stays), and tells the owner, in the activity log and by email, how
 * many wrong answers were counted since the last success, when, and from
 * which addresses. Runs in the approval's transaction; does nothing for an
 * account without failures.
 *
 * @returns what the owner was told, or null when there was nothing to end.
 */
export async function endFailures(
  services: Services,
  trx: Kysely<Database>,
  who: { readonly accountId: string; readonly email: string },
  approval: { readonly ip: string; readonly deviceId: string; readonly now: number },
): Promise<EndedFailures | null> {
  const ended = await trx
    .updateTable('accounts')
    .set((eb) => ({
      failed_attempts: 0,
      block_level: 0,
      blocked_until: null,
      status: eb
        .case()
        .when('locked_by', '=', 'failures')
        .then('active' as const)
        .else(eb.ref('status'))
        .end(),
      locked_by: null,
    }))
    .where('id', '=', who.accountId)
    .where((eb) =>
      eb.or([
        eb('failed_attempts', '>', 0),
        eb('block_level', '>', 0),
        eb('locked_by', '=', 'failures'),
      ]),
    )
    .returning('id')
    .executeTakeFirst();
  if (!ended) return null;

  const since = trx
    .selectFrom('audit_events')
    .select((eb) => eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('id'))
    .where('account_id', '=', who.accountId)
    .where('type', 'in', SUCCESSES);
  const failures = await trx
    .selectFrom('audit_events')
    .select(['created_at', 'ip'])
    .where('account_id', '=', who.accountId)
    .where('type', 'in', FAILURES)
    .where('id', '>', since)
    .orderBy('id')
    .limit(MAX_LISTED)
    .execute();
  const addresses = [...new Set(failures.map((f) => f.ip ?? 'unknown'))];
  const report: EndedFailures = {
    failures: failures.length,
    first: failures[0]?.created_at ?? null,
    last: failures.at(-1)?.created_at ?? null,
    addresses,
  };
  await recordEvent(trx, {
    accountId: who.accountId,
    type: 'account.unblocked',
    ip: approval.ip,
    deviceId: approval.deviceId,
    details: {
      failures: report.failures,
      ...(report.first !== null ? { first: report.first } : {}),
      ...(report.last !== null ? { last: report.last } : {}),
      addresses: addresses.join(', '),
      suspicious: report.failures > 0,
    },
    at: approval.now,
  });
  const when =
    report.first !== null && report.last !== null
      ? ` between ${new Date(report.first).toISOString()} and ${new Date(report.last).toISOString()}`
      : '';
  await services.delivery.enqueue(trx, {
    channel: 'email',
    recipient: who.email,
    subject: 'Failed attempts on your Cipherpad account',
    body: [
      `${report.failures} wrong responses or codes were given for your account${when}.`,
      addresses.length > 0 ? `They came from: ${addresses.join(', ')}.` : '',
      'You approved a request in the Cipherpad app, which ended the block on your account.',
      'If those attempts were not yours, someone knows your email and tried to sign in as you; they cannot get in without your device.',
    ]
      .filter((line) => line !== '')
      .join('\n'),
  });
  return report;
}
