import { announceClosed } from '../challenges/challenge-events.js';
import { type ChallengeDeviceRow, checkResponse } from '../challenges/check-response.js';
import { claimForSession, loadForResponse } from '../challenges/claim-for-session.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { LoginSession } from '../sessions/login-session.js';
import { newSessionToken } from '../sessions/session-token.js';

/** Refusals of a response to an account that is blocked or locked: each counts as a wrong answer from its address. */
const REFUSED_ACCOUNT: ReadonlySet<string> = new Set(['ERR_ACCOUNT_BLOCKED', 'ERR_ACCOUNT_LOCKED']);

/**
 * Checks the response to a login challenge and, when it is right, opens a
 * session. The rules of PRODUCT.md, in order:
 *
 * - an address gives at most `policy.wrongAnswersPerIp` wrong responses per
 *   `policy.wrongAnswersWindowMs` (checked before the response is, and taken
 *   in one synchronous step just before a wrong one is counted);
 * - a challenge expires after `policy.challengeTtlMs` and is used at most
 *   once: the claim is one conditional UPDATE that also re-checks the
 *   account's block (`challenges/claim-for-session.ts`), so of many
 *   concurrent correct responses exactly one wins, and none while a block holds;
 * - a challenge accepts at most `policy.challengeMaxAttempts` wrong responses;
 * - consecutive failures block the account for growing periods
 *   (`accounts/lockout.ts`, counted in one statement);
 * - the response is compared in constant time with every active device's
 *   expected response, and a refusal never says what was wrong.
 *
 * @throws ServiceError `ERR_LOGIN_NOT_FOUND`, `ERR_CHALLENGE_EXPIRED`,
 *   `ERR_CHALLENGE_CLOSED`, `ERR_ACCOUNT_LOCKED`, `ERR_ACCOUNT_BLOCKED`,
 *   `ERR_RESPONSE_REJECTED` (with `attemptsLeft`).
 */
export async function verifyLogin(
  services: Services,
  id: string,
  response: unknown,
  ip: string,
): Promise<LoginSession> {
  const { db, clock, policy, wrongAnswers } = services;
  // An address with no attempt left is refused before any work is spent.
  // Its attempt is taken only once an answer is known to be wrong, in one
  // synchronous step just before the failure is counted, so a burst of
  // concurrent guesses gets no more failures counted than the limit, and an
  // address that gave too many cannot block account after account. A right
  // response takes nothing: people sharing an address do not stop each other.
  const allowed = wrongAnswers.check(ip);
  if (!allowed.allowed) throw rateLimited(allowed.retryAfterSeconds);
  let taken = false;
  const takeAttempt = () => {
    const decision = wrongAnswers.take(ip);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
    taken = true;
  };
  let matched: Awaited<ReturnType<typeof checkResponse>>;
  let row: ChallengeDeviceRow;
  try {
    const { rows } = await loadForResponse(db, { id });
    const [first] = rows;
    if (!first) throw new ServiceError('ERR_LOGIN_NOT_FOUND');
    row = first;
    matched = await checkResponse(
      services,
      id,
      [first, ...rows.slice(1)],
      response,
      ip,
      takeAttempt,
    );
  } catch (error) {
    if (error instanceof ServiceError) {
      // A response to a blocked or locked account is a wrong answer too; a
      // wrong one that found its challenge closed was not counted.
      if (!taken && REFUSED_ACCOUNT.has(error.code)) {
        const decision = wrongAnswers.take(ip);
        if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
      }
      if (taken && error.code === 'ERR_CHALLENGE_CLOSED') wrongAnswers.giveBack(ip);
    }
    throw error;
  }
  const { accountId, deviceId } = matched;
  const now = clock.now();

  const { id: sessionId, token, secretHash } = newSessionToken();
  const expiresAt = now + policy.sessionTtlMs;
  await claimForSession(services, {
    id,
    now,
    sessionId,
    secretHash,
    accountId,
    deviceId,
    ip,
    expiresAt,
    mode: row.mode,
  });
  announceClosed(services, row.email, id);
  return { token, expiresAt, accountId, email: row.email as string, deviceId };
}

function rateLimited(retryAfterSeconds: number): ServiceError {
  return new ServiceError('ERR_RATE_LIMITED_FAILURES', { retryAfter: retryAfterSeconds });
}
