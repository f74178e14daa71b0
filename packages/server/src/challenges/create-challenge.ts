import { generateChallenge } from '@cipherpad/core';
import { fillRandom, randomIntBelow, randomString } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { hashToken } from '../crypto/code-hasher.js';
import { prepareQuery } from '../db/prepared-query.js';
import type { ChallengeMode, Database } from '../db/schema.js';

/** A new pending challenge of an account, as a feature asks for it. */
export interface NewChallenge {
  readonly id: string;
  readonly accountId: string;
  readonly purpose: string;
  readonly mode: ChallengeMode;
  readonly amount?: string | null;
  readonly purse?: string | null;
  readonly currency?: string | null;
  readonly now: number;
  readonly expiresAt: number;
  /** Where it was asked for. */
  readonly ip: string;
  /** Display name of the asking site; null for the security site. */
  readonly site: string | null;
}

/** What the asking site shows, and keeps, of a new challenge. */
export interface CreatedChallenge {
  readonly challenge: string;
  /** Two digits (10–99) to type into the app to approve online. */
  readonly matchNumber: string;
  /** Only the asking site holds it; stored hashed. */
  readonly waitToken: string;
}

/**
 * Creates a pending challenge in the caller's transaction: 8 random digits,
 * a number to match for online approval and a wait token for the site.
 */
export async function createChallenge(
  trx: Kysely<Database>,
  request: NewChallenge,
): Promise<CreatedChallenge> {
  const challenge = generateChallenge(fillRandom);
  const matchNumber = String(10 + randomIntBelow(90));
  const waitToken = randomString(32, 'base64url');
  await trx
    .insertInto('challenges')
    .values({
      id: request.id,
      account_id: request.accountId,
      purpose: request.purpose,
      mode: request.mode,
      challenge,
      amount: request.amount ?? null,
      purse: request.purse ?? null,
      currency: request.currency ?? null,
      status: 'pending',
      attempts: 0,
      created_at: request.now,
      expires_at: request.expiresAt,
      completed_at: null,
      match_number: matchNumber,
      wait_token_hash: hashToken(waitToken),
      ip: request.ip,
      site: request.site,
    })
    .execute();
  return { challenge, matchNumber, waitToken };
}

/** One statement: the account is looked up inside the insert. */
const insertLoginChallenge = prepareQuery<
  {
    id: string;
    email: string;
    mode: ChallengeMode;
    challenge: string;
    amount: string | null;
    purse: string | null;
    currency: string | null;
    now: number;
    expiresAt: number;
    matchNumber: string;
    waitTokenHash: string;
    ip: string;
  },
  never
>((db, p) =>
  db.insertInto('challenges').values((eb) => ({
    id: p.id,
    account_id: eb.selectFrom('accounts').select('id').where('email', '=', p.email),
    purpose: 'login',
    mode: p.mode,
    challenge: p.challenge,
    amount: p.amount,
    purse: p.purse,
    currency: p.currency,
    status: 'pending',
    attempts: 0,
    created_at: p.now,
    expires_at: p.expiresAt,
    completed_at: null,
    match_number: p.matchNumber,
    wait_token_hash: p.waitTokenHash,
    ip: p.ip,
  })),
);

/**
 * Creates a login challenge for an email, in one statement: the account is
 * looked up inside the insert (null for an email without an account: a
 * decoy, which no response opens). The login's hot path: a prepared
 * statement, and the caller draws the challenge, number and wait token.
 */
export async function createLoginChallenge(
  db: Kysely<Database>,
  login: Parameters<typeof insertLoginChallenge>[1],
): Promise<void> {
  await insertLoginChallenge(db, login);
}

/**
 * The challenge row, with its account looked up inside the insert (null for
 * an email without an account); it returns the account and when its person
 * consented to the site (null: not yet), for telling the account's apps.
 */
const insertSiteChallenge = prepareQuery<
  {
    id: string;
    email: string;
    siteId: string;
    siteName: string;
    mode: ChallengeMode;
    challenge: string;
    amount: string | null;
    purse: string | null;
    currency: string | null;
    now: number;
    expiresAt: number;
    matchNumber: string;
    ip: string;
  },
  { account_id: string | null; consented_at: number | null }
>((db, p) =>
  db
    .insertInto('challenges')
    .values((eb) => ({
      id: p.id,
      account_id: eb.selectFrom('accounts').select('id').where('email', '=', p.email),
      purpose: 'confirmation',
      mode: p.mode,
      challenge: p.challenge,
      amount: p.amount,
      purse: p.purse,
      currency: p.currency,
      status: 'pending',
      attempts: 0,
      created_at: p.now,
      expires_at: p.expiresAt,
      completed_at: null,
      match_number: p.matchNumber,
      wait_token_hash: null,
      ip: p.ip,
      site: p.siteName,
    }))
    .returning((eb) => [
      'account_id',
      eb
        .selectFrom('site_consents')
        .select('site_consents.created_at')
        .whereRef('site_consents.account_id', '=', 'challenges.account_id')
        .where('site_consents.site_id', '=', p.siteId)
        .as('consented_at'),
    ]),
);

/**
 * Creates the challenge of a relying site's confirmation, in one statement:
 * the account is looked up inside the insert (null for an email without an
 * account), and the statement returns it with when its person consented to
 * the site (null: not yet).
 */
export async function createSiteChallenge(
  trx: Kysely<Database>,
  request: Parameters<typeof insertSiteChallenge>[1],
): Promise<{ account_id: string | null; consented_at: number | null } | undefined> {
  return (await insertSiteChallenge(trx, request)).rows[0];
}
