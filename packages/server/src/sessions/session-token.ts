import { constantTimeEqual } from '@cipherpad/core';
import { newId, randomString } from '@cipherpad/storage';
import { hashToken } from '../crypto/code-hasher.js';

const ID = /^[0-9a-f]{32}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
/** Compared with when the session is unknown, so that case takes as long. */
const NO_SESSION_HASH = hashToken('no session');

/** A new session's bearer token, and what its row keeps. */
export interface NewSessionToken {
  /** The session's id: the row's key, and the token's first 32 characters. */
  readonly id: string;
  /** Shown to the client once; never stored. */
  readonly token: string;
  /** SHA-256 of the secret part, which is all the row keeps of it. */
  readonly secretHash: string;
}

/**
 * Makes a session token in two parts, as split tokens do: the session's id
 * (32 hex digits, not secret), by which the row is found, then a secret of
 * 256 random bits (43 base64url characters), of which the row keeps only the
 * SHA-256, compared in constant time. A stolen database does not give a
 * usable token, and a new session's row lands where the ids put it (at the
 * end of the key's index), instead of on a random page of an index of
 * hashes.
 */
export function newSessionToken(): NewSessionToken {
  const id = newId();
  const secret = randomString(32, 'base64url');
  return { id, token: id + secret, secretHash: hashToken(secret) };
}

/** The id and secret of a token of {@link newSessionToken}'s form; null for anything else. */
export function parseSessionToken(token: string): { id: string; secret: string } | null {
  const id = token.slice(0, 32);
  const secret = token.slice(32);
  return ID.test(id) && SECRET.test(secret) ? { id, secret } : null;
}

/**
 * Whether `secret` is the one whose hash a session row keeps, in constant
 * time; `secretHash` is undefined when no row was found (the comparison is
 * still made, against a hash no secret has).
 */
export function sessionSecretMatches(secret: string, secretHash: string | undefined): boolean {
  const matches = constantTimeEqual(hashToken(secret), secretHash ?? NO_SESSION_HASH);
  return matches && secretHash !== undefined;
}
