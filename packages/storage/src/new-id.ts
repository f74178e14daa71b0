import { randomString } from './random-pool.js';

/**
 * A new identifier: 32 lower-case hex characters, the first 12 the time in
 * milliseconds since the Unix epoch and the other 20 random (80 bits).
 *
 * Time first so that rows made together sit together in every index on their
 * id: an insert lands on the last page of the index instead of a random one,
 * and a commit writes a few pages instead of one per row. 80 random bits keep
 * an id unguessable, as a login's id must be (its holder may answer the
 * challenge). Hex rather than base64url so an id never starts with `-`,
 * which command lines would read as a flag.
 */
export function newId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomString(10, 'hex');
}
