import {
  canonicalAmount,
  formatQrUri,
  generateChallenge,
  parsePurse,
  type QrRequest,
} from '@cipherpad/core';
import { fillRandom, newId, randomIntBelow, randomString } from '@cipherpad/storage';
import { normalizeEmail } from '../accounts/contact.js';
import { announceRequest } from '../challenges/challenge-events.js';
import { createLoginChallenge } from '../challenges/create-challenge.js';
import { hashToken } from '../crypto/code-hasher.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** A login asked for by a site: plain (Authorization mode) or bound to a payment. */
export interface StartLoginRequest {
  readonly email?: unknown;
  readonly mode?: unknown;
  readonly amount?: unknown;
  readonly purse?: unknown;
  readonly currency?: unknown;
}

/** What the site shows the person: the challenge as digits and as a QR URI. */
export interface StartedLogin {
  readonly id: string;
  readonly challenge: string;
  readonly uri: string;
  readonly mode: 'authorization' | 'payment';
  readonly expiresAt: number;
  /** Two digits (10–99) the site shows; the person types them into the app to approve online. */
  readonly matchNumber: string;
  /** Only the site that started the login holds it: it asks for the status and redeems an approval. */
  readonly waitToken: string;
  readonly payment?: {
    readonly amount: string;
    readonly purse: string;
    readonly currency?: string;
  };
}

/**
 * Starts a challenge/response login for an email. For an email without an
 * account the answer looks the same (a challenge that no response opens),
 * so the login form does not tell who has an account. The account's open
 * apps are told at once (online approval, docs/web-api.md).
 *
 * @throws ServiceError `ERR_EMAIL_REQUIRED`, `ERR_EMAIL_INVALID`, `ERR_VALIDATION`;
 *   core `ERR_AMOUNT_INVALID`, `ERR_PURSE_INVALID` for a payment.
 */
export async function startLogin(
  services: Services,
  request: StartLoginRequest,
  ip: string,
): Promise<StartedLogin> {
  const { db, clock, policy, config } = services;
  const email = normalizeEmail(request.email);
  const mode = request.mode ?? 'authorization';
  if (mode !== 'authorization' && mode !== 'payment') {
    throw new ServiceError('ERR_VALIDATION', {}, 'mode must be "authorization" or "payment".');
  }
  let payment: StartedLogin['payment'];
  if (mode === 'payment') {
    if (typeof request.amount !== 'string' || typeof request.purse !== 'string') {
      throw new ServiceError('ERR_VALIDATION', {}, 'A payment needs amount and purse as strings.');
    }
    const currency = request.currency;
    if (
      currency !== undefined &&
      (typeof currency !== 'string' || !/^[A-Z]{1,8}$/.test(currency))
    ) {
      throw new ServiceError('ERR_VALIDATION', {}, 'currency must be 1 to 8 capital letters.');
    }
    const purse = parsePurse(request.purse);
    payment = {
      amount: canonicalAmount(request.amount),
      purse: `${purse.letter ?? ''}${purse.number}`,
      ...(currency ? { currency } : {}),
    };
  }

  const id = newId();
  const challenge = generateChallenge(fillRandom);
  const now = clock.now();
  const expiresAt = now + policy.challengeTtlMs;
  const matchNumber = String(10 + randomIntBelow(90));
  const waitToken = randomString(32, 'base64url');
  await createLoginChallenge(db, {
    id,
    email,
    mode,
    challenge,
    amount: payment?.amount ?? null,
    purse: payment?.purse ?? null,
    currency: payment?.currency ?? null,
    now,
    expiresAt,
    matchNumber,
    waitTokenHash: hashToken(waitToken),
    ip,
  });
  announceRequest(services, email, {
    id,
    kind: mode === 'payment' ? 'payment' : 'login',
    challenge,
    site: null,
    ip,
    createdAt: now,
    expiresAt,
    ...(payment ? { payment } : {}),
  });

  const qr: QrRequest = payment
    ? {
        kind: 'payment',
        challenge,
        amount: payment.amount,
        purse: payment.purse,
        id,
        server: config.publicUrl,
        ...(payment.currency ? { currency: payment.currency } : {}),
      }
    : { kind: 'login', challenge, id, server: config.publicUrl };
  return {
    id,
    challenge,
    uri: formatQrUri(qr),
    mode,
    expiresAt,
    matchNumber,
    waitToken,
    ...(payment ? { payment } : {}),
  };
}
