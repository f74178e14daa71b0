import type { webcrypto } from 'node:crypto';
import {
  createDeviceKeyPair,
  createSigningKeyPair,
  deriveOcraKeyBytes,
  exportPublicKey,
  exportSigningPublicKey,
} from '@cipherpad/core';
import type { TestService } from './test-service.js';

/** An account with one activated device, as the device sees it. */
export interface Enrolled {
  readonly accountId: string;
  readonly email: string;
  readonly phone: string;
  readonly deviceId: string;
  /** The device's OCRA key (the test plays the device, so it may hold the bytes). */
  readonly ocraKey: Uint8Array;
  /** The device's ECDSA P-256 private key, for signed device requests. */
  readonly signingKey: webcrypto.CryptoKey;
}

/**
 * Registers an account over the API, reads the codes from the outbox, and
 * activates a device: the whole of flows 1 and 4, as a client does them.
 */
export async function enroll(
  service: TestService,
  email: string,
  phone: string,
  ip = '127.0.0.1',
): Promise<Enrolled> {
  const { app } = service;
  const started = await app.inject({
    method: 'POST',
    url: '/v1/registrations',
    payload: { email, phone },
    remoteAddress: ip,
  });
  if (started.statusCode !== 201) throw new Error(`registration: ${started.body}`);
  const { id, email: canonicalEmail, phone: canonicalPhone } = started.json();
  const emailCode = await service.codeSentTo(canonicalEmail, /verification code is (\d{6})/);
  const phoneCode = await service.codeSentTo(canonicalPhone, /verification code is (\d{6})/);
  for (const [channel, code] of [
    ['email', emailCode],
    ['phone', phoneCode],
  ] as const) {
    const verified = await app.inject({
      method: 'POST',
      url: `/v1/registrations/${id}/${channel}-verification`,
      payload: { code },
      remoteAddress: ip,
    });
    if (verified.statusCode !== 200) throw new Error(`${channel} verification: ${verified.body}`);
  }
  const activationCode = await service.codeSentTo(canonicalPhone, /activation code is (\d{8})/);
  const device = await activateWithCode(service, canonicalEmail, activationCode, ip);
  return { ...device, email: canonicalEmail, phone: canonicalPhone };
}

/** Activates a new device for an account with its activation code. */
export async function activateWithCode(
  service: TestService,
  email: string,
  code: string,
  ip = '127.0.0.1',
): Promise<{
  accountId: string;
  deviceId: string;
  ocraKey: Uint8Array;
  signingKey: webcrypto.CryptoKey;
}> {
  const agreement = await createDeviceKeyPair(false);
  const signing = await createSigningKeyPair(false);
  const response = await service.app.inject({
    method: 'POST',
    url: '/v1/devices/activate',
    payload: {
      email,
      code,
      name: 'Test device',
      kind: 'cli',
      agreementKey: await exportPublicKey(agreement.publicKey),
      signingKey: await exportSigningPublicKey(signing.publicKey),
    },
    remoteAddress: ip,
  });
  if (response.statusCode !== 201) throw new Error(`activation: ${response.body}`);
  const body = response.json();
  const ocraKey = await deriveOcraKeyBytes({
    privateKey: agreement.privateKey,
    peerPublicKey: body.serverKey,
    deviceId: body.deviceId,
  });
  return {
    accountId: body.accountId,
    deviceId: body.deviceId,
    ocraKey,
    signingKey: signing.privateKey,
  };
}
