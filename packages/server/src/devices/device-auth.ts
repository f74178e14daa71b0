import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { base64UrlDecode, CipherpadError } from '@cipherpad/core';
import type { FastifyRequest } from 'fastify';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** The activated device behind a signed request. */
export interface AuthenticatedDevice {
  readonly deviceId: string;
  readonly accountId: string;
  readonly email: string;
}

/** How far a request's `ts` may be from the service's clock. */
export const DEVICE_AUTH_WINDOW_MS = 120_000;

const HEADER =
  /^Cipherpad-Device id=([A-Za-z0-9_-]{1,128}),\s*ts=([0-9]{1,16}),\s*sig=([A-Za-z0-9_-]{1,200})$/;
const EMPTY_BODY_SHA256 = createHash('sha256').digest('hex');
const MAX_KEYS = 10_000;
const PURGE_EVERY_MS = 60_000;

/** Imported public keys by device, so a request costs one verification and no import. */
const signingKeys = new Map<string, { encoded: string; key: KeyObject }>();
let nextPurgeAt = 0;

/**
 * The text a device signs (docs/web-api.md, device authentication):
 * `cipherpad-device-auth-v1`, the method, the path with its query, the
 * timestamp and the hex SHA-256 of the body bytes, one per line.
 */
export function deviceAuthText(method: string, url: string, ts: string, body?: Uint8Array): string {
  const bodyHash =
    body && body.length > 0 ? createHash('sha256').update(body).digest('hex') : EMPTY_BODY_SHA256;
  return `cipherpad-device-auth-v1\n${method}\n${url}\n${ts}\n${bodyHash}`;
}

/**
 * Authenticates a request of an activated app by its
 * `Authorization: Cipherpad-Device id=…,ts=…,sig=…` header: an ECDSA P-256 /
 * SHA-256 signature (IEEE P1363, 64 bytes) with the signing key the device
 * sent at activation. The timestamp must be within 120 s of the service's
 * clock, and each signed request is accepted once: what was accepted is kept
 * in the database until it leaves that window, so a replay to another
 * instance is refused too. A replay is recognized by the signed text, not the
 * signature bytes, because an ECDSA signature can be rewritten into another
 * valid one for the same text.
 *
 * @throws ServiceError `ERR_DEVICE_AUTH` for a missing or malformed header, an
 *   unknown or inactive device, a locked account (but for a lock that wrong
 *   typed responses caused, which the device's approval ends), a stale timestamp, a wrong
 *   signature or a replay: one answer for all.
 */
export async function authenticateDevice(
  services: Services,
  request: FastifyRequest,
): Promise<AuthenticatedDevice> {
  const { db, clock } = services;
  const match = HEADER.exec(request.headers.authorization ?? '');
  if (!match) throw new ServiceError('ERR_DEVICE_AUTH');
  const [, deviceId, ts, sig] = match as unknown as [string, string, string, string];
  const now = clock.now();
  const timestamp = Number(ts);
  if (Math.abs(now - timestamp) > DEVICE_AUTH_WINDOW_MS) throw new ServiceError('ERR_DEVICE_AUTH');

  let signature: Uint8Array;
  try {
    signature = base64UrlDecode(sig);
  } catch (error) {
    if (error instanceof CipherpadError) throw new ServiceError('ERR_DEVICE_AUTH');
    throw error;
  }
  if (signature.length !== 64) throw new ServiceError('ERR_DEVICE_AUTH');

  const device = await db
    .selectFrom('devices as d')
    .innerJoin('accounts as a', 'a.id', 'd.account_id')
    .select([
      'd.account_id',
      'd.signing_public_key',
      'd.status',
      'a.email',
      'a.status as account',
      'a.locked_by',
    ])
    .where('d.id', '=', deviceId)
    .executeTakeFirst();
  // A lock caused by wrong typed responses does not stop the account's own
  // devices: their signed approval is how the owner ends it (docs/security.md).
  const admitted =
    device?.account === 'active' ||
    (device?.account === 'locked' && device.locked_by === 'failures');
  if (device?.status !== 'active' || !admitted) {
    throw new ServiceError('ERR_DEVICE_AUTH');
  }

  const text = deviceAuthText(request.method, request.url, ts, request.rawBody);
  const key = signingKey(deviceId, device.signing_public_key);
  const valid = verify(
    'sha256',
    Buffer.from(text, 'utf8'),
    { key, dsaEncoding: 'ieee-p1363' },
    signature,
  );
  if (!valid) throw new ServiceError('ERR_DEVICE_AUTH');

  const accepted = await db
    .insertInto('device_request_signatures')
    .values({
      key: createHash('sha256').update(`${deviceId}\n${text}`).digest('base64url'),
      expires_at: timestamp + DEVICE_AUTH_WINDOW_MS + 1,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!accepted) throw new ServiceError('ERR_DEVICE_AUTH');

  if (now >= nextPurgeAt) {
    nextPurgeAt = now + PURGE_EVERY_MS;
    await db.deleteFrom('device_request_signatures').where('expires_at', '<', now).execute();
  }
  return { deviceId, accountId: device.account_id, email: device.email };
}

/** Forgets a device's imported signing key (on deactivation). */
export function forgetSigningKey(deviceId: string): void {
  signingKeys.delete(deviceId);
}

function signingKey(deviceId: string, encoded: string): KeyObject {
  const cached = signingKeys.get(deviceId);
  if (cached && cached.encoded === encoded) return cached.key;
  // The key was checked at activation: a raw uncompressed P-256 point, 0x04 ‖ X ‖ Y.
  const point = base64UrlDecode(encoded);
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(point.subarray(33, 65)).toString('base64url'),
    },
    format: 'jwk',
  });
  if (signingKeys.size >= MAX_KEYS) signingKeys.clear();
  signingKeys.set(deviceId, { encoded, key });
  return key;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes as received, on the routes that need them (signed device requests). */
    rawBody?: Buffer;
  }
}
