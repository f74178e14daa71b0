import {
  AUTHORIZATION_SUITE,
  createDeviceKeyPair,
  deriveOcraKeyBytes,
  exportPublicKey,
  importPublicKey,
  importSigningPublicKey,
  PAYMENT_SUITE,
} from '@cipherpad/core';
import { newId, runTransaction } from '@cipherpad/storage';
import { sql } from 'kysely';
import { normalizeEmail } from '../accounts/contact.js';
import { recordEvent } from '../audit/record-event.js';
import { ServiceError } from '../errors/service-error.js';
import { accountTopic } from '../events/event-bus.js';
import type { Services } from '../services.js';

/** What a device sends to activate: the activation code and its public keys. */
export interface ActivationRequest {
  readonly email?: unknown;
  readonly code?: unknown;
  readonly name?: unknown;
  readonly kind?: unknown;
  /** The device's ECDH P-256 public key, base64url raw point. */
  readonly agreementKey?: unknown;
  /** The device's ECDSA P-256 public key for signed approvals, base64url raw point. */
  readonly signingKey?: unknown;
}

/** What the device needs to derive its OCRA key and answer challenges. */
export interface ActivatedDevice {
  readonly deviceId: string;
  /** The service's ECDH public key for this device, base64url raw point. */
  readonly serverKey: string;
  readonly accountId: string;
  readonly email: string;
  readonly suites: { readonly authorization: string; readonly payment: string };
}

const DEVICE_KINDS = new Set(['cli', 'app']);

/**
 * PRODUCT.md flow 4: activates a device with the email and the activation
 * code sent by SMS. Device and service agree on the OCRA key by ECDH (see
 * docs/protocol.md); the key never crosses the wire, and the service keeps it
 * encrypted under the master key. Every failure of email or code gives the
 * same `ERR_ACTIVATION_FAILED`, so the answer tells nothing about which was
 * wrong or whether the email has an account.
 *
 * @throws ServiceError `ERR_RATE_LIMITED_IP`, `ERR_VALIDATION`, `ERR_EMAIL_*`,
 *   `ERR_ACTIVATION_FAILED`, `ERR_ACCOUNT_LOCKED`.
 */
export async function activateDevice(
  services: Services,
  request: ActivationRequest,
  ip: string,
): Promise<ActivatedDevice> {
  const { db, clock, codes, policy, secrets, rateLimiter, delivery } = services;
  if (!(await rateLimiter.hit(`activation:ip:${ip}`, policy.activationsPerIp))) {
    throw new ServiceError('ERR_RATE_LIMITED_IP');
  }
  const email = normalizeEmail(request.email);
  const code = typeof request.code === 'string' ? request.code.replace(/[\s-]/g, '') : '';
  const name =
    typeof request.name === 'string' && request.name.trim()
      ? request.name.trim().slice(0, 64)
      : 'Device';
  const kind = typeof request.kind === 'string' ? request.kind : 'app';
  if (!DEVICE_KINDS.has(kind))
    throw new ServiceError('ERR_VALIDATION', {}, 'kind must be "cli" or "app".');
  if (typeof request.agreementKey !== 'string' || typeof request.signingKey !== 'string') {
    throw new ServiceError('ERR_VALIDATION', {}, 'agreementKey and signingKey are required.');
  }
  // Throws ERR_PUBLIC_KEY_INVALID (400) for anything that is not a P-256 point.
  const devicePublicKey = await importPublicKey(request.agreementKey);
  await importSigningPublicKey(request.signingKey);

  const now = clock.now();
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'email', 'status'])
    .where('email', '=', email)
    .executeTakeFirst();
  // At most two live codes: the newest sent by SMS and the newest shown in a QR code.
  const live = account
    ? await db
        .selectFrom('activation_codes')
        .select(['id', 'code_hash'])
        .where('account_id', '=', account.id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .where('attempts', '<', policy.activationMaxAttempts)
        .orderBy('created_at', 'desc')
        .limit(4)
        .execute()
    : [];
  if (!account || live.length === 0) throw new ServiceError('ERR_ACTIVATION_FAILED');
  let pending: (typeof live)[number] | undefined;
  for (const candidate of live) {
    // Every live code is compared, so timing does not tell which one matched.
    if (codes.matches(`activation:${account.id}`, code, candidate.code_hash) && !pending) {
      pending = candidate;
    }
  }
  if (!pending) {
    await runTransaction(db, async (trx) => {
      // A wrong code counts against every live code: two codes do not double the tries.
      await trx
        .updateTable('activation_codes')
        .set({ attempts: sql`attempts + 1` })
        .where(
          'id',
          'in',
          live.map((row) => row.id),
        )
        .execute();
      await recordEvent(trx, { accountId: account.id, type: 'activation.failed', ip, at: now });
    });
    throw new ServiceError('ERR_ACTIVATION_FAILED');
  }
  if (account.status === 'locked') throw new ServiceError('ERR_ACCOUNT_LOCKED');
  const matched = pending;

  const deviceId = newId();
  const serverKeys = await createDeviceKeyPair(false);
  const ocraKey = await deriveOcraKeyBytes({
    privateKey: serverKeys.privateKey,
    peerPublicKey: devicePublicKey,
    deviceId,
  });
  const serverKey = await exportPublicKey(serverKeys.publicKey);

  await runTransaction(db, async (trx) => {
    const used = await trx
      .updateTable('activation_codes')
      .set({ used_at: now })
      .where('id', '=', matched.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (used.numUpdatedRows === 0n) throw new ServiceError('ERR_ACTIVATION_FAILED');
    await trx
      .insertInto('devices')
      .values({
        id: deviceId,
        account_id: account.id,
        name,
        kind,
        ocra_key_enc: secrets.seal(ocraKey, `device:${deviceId}`),
        signing_public_key: request.signingKey as string,
        status: 'active',
        created_at: now,
      })
      .execute();
    await recordEvent(trx, {
      accountId: account.id,
      type: 'device.activated',
      ip,
      deviceId,
      details: { name, kind },
      at: now,
    });
    await delivery.enqueue(trx, {
      channel: 'email',
      recipient: account.email,
      subject: 'A new device was activated for your Cipherpad account',
      body: [
        // Time, address and name: what the owner needs to tell their own device from another's.
        `A new device, "${name}", was activated for your Cipherpad account on ${new Date(now).toISOString()} (UTC) from ${ip}.`,
        '',
        'If this was not you, deactivate it at once in your security settings; if you cannot sign in any more, contact the operator of this Cipherpad service.',
      ].join('\n'),
    });
  });
  ocraKey.fill(0);
  delivery.kick();
  // The account's open apps hear of it at once, besides the email and the activity log.
  services.events.publish(accountTopic(account.email), {
    type: 'device-activated',
    device: { id: deviceId, name, ip, at: now },
  });
  return {
    deviceId,
    serverKey,
    accountId: account.id,
    email: account.email,
    suites: { authorization: AUTHORIZATION_SUITE, payment: PAYMENT_SUITE },
  };
}
