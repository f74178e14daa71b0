import { randomFillSync, randomInt } from 'node:crypto';

/** Random bytes drawn from the operating system's CSPRNG 4 KiB at a time. */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * A new identifier: 32 lower-case hex characters, the time in milliseconds
 * (12) then 80 random bits (20). Time first, as the service's ids, so rows
 * made together sit together in every index on their id: an insert lands
 * on the last page instead of a random one, and a commit writes a few pages
 * instead of one per row. The random part keeps ids unguessable.
 *
 * The random bits come from a pool refilled 4 KiB at a time (each call into
 * the CSPRNG costs microseconds whatever its size, and a transfer needs
 * three ids); each id's bytes are wiped from the pool once read.
 */
export function newId(): string {
  if (offset + 10 > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += 10;
  const random = pool.toString('hex', start, offset);
  pool.fill(0, start, offset);
  return Date.now().toString(16).padStart(12, '0') + random;
}

/** 12 random digits, not starting with 0 (a wallet id or a purse number). */
export function twelveDigits(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 11; i += 1) digits += String(randomInt(0, 10));
  return digits;
}
