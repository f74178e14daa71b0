import { randomBytes, randomInt } from 'node:crypto';

/**
 * A new identifier: 32 lower-case hex characters, the time in milliseconds
 * (12) then 80 random bits (20). Time first, as the service's ids, so rows
 * made together sit together in every index on their id: an insert lands
 * on the last page instead of a random one, and a commit writes a few pages
 * instead of one per row. The random part keeps ids unguessable.
 */
export function newId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomBytes(10).toString('hex');
}

/** 12 random digits, not starting with 0 (a wallet id or a purse number). */
export function twelveDigits(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 11; i += 1) digits += String(randomInt(0, 10));
  return digits;
}
