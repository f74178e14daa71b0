import { createHmac, createSecretKey } from 'node:crypto';
import {
  createDeviceKeyPair,
  createSigningKeyPair,
  deriveOcraKeyBytes,
  exportPublicKey,
  exportSigningPublicKey,
  type HmacKey,
} from '@cipherpad/core';
import { defaultPolicy, loadConfig, type Service, startService } from '@cipherpad/server';

/** A bench account with one activated device, as the device sees it. */
export interface BenchAccount {
  readonly email: string;
  readonly deviceId: string;
  /**
   * The device's OCRA key, kept once as a Node key object for HMAC-SHA-256:
   * `node:crypto` signs synchronously, so the load generator, which shares
   * the machine with the server, spends as little as it can per response.
   */
  readonly ocraKey: HmacKey;
  /** The device's ECDSA signing key, for signed device requests (an online approval). */
  readonly signingKey: CryptoKey;
}

/**
 * Registers `count` accounts and activates a device for each, through the
 * HTTP API of a service started in this process (`app.inject`, no port) on
 * the bench database, then closes that service. It runs before the timed
 * server starts, with the per-IP limits lifted: the default policy allows 10
 * registrations a minute from one address, and the bench clients all come
 * from 127.0.0.1.
 */
export async function enrollAccounts(
  env: Readonly<Record<string, string>>,
  count: number,
): Promise<BenchAccount[]> {
  const service = await startService(loadConfig({ ...env, LOG_LEVEL: 'silent' }), {
    policy: {
      ...defaultPolicy,
      registrationsPerIp: 1e9,
      registrationsPerAddress: 1e9,
      activationsPerIp: 1e9,
    },
    logger: false,
  });
  try {
    const accounts: BenchAccount[] = [];
    // A few at a time: enough to overlap the key generation with the queries.
    for (let first = 0; first < count; first += 16) {
      const batch = Array.from({ length: Math.min(16, count - first) }, (_, i) =>
        enrollOne(service.app, first + i),
      );
      accounts.push(...(await Promise.all(batch)));
    }
    return accounts;
  } finally {
    await service.close();
  }
}

async function enrollOne(app: Service['app'], index: number): Promise<BenchAccount> {
  const post = async (url: string, payload: object, expected: number) => {
    const response = await app.inject({ method: 'POST', url, payload });
    if (response.statusCode !== expected) {
      throw new Error(`enrolment: POST ${url} answered ${response.statusCode} ${response.body}`);
    }
    return response.json();
  };
  const codeSentTo = async (to: string, pattern: RegExp) => {
    const response = await app.inject({
      method: 'GET',
      url: `/v1/dev/outbox?to=${encodeURIComponent(to)}`,
    });
    if (response.statusCode !== 200) {
      throw new Error(
        `enrolment: GET /v1/dev/outbox answered ${response.statusCode} ${response.body}`,
      );
    }
    const { messages } = response.json() as { messages: { body: string }[] };
    for (const message of messages) {
      const code = pattern.exec(message.body)?.[1];
      if (code) return code;
    }
    throw new Error(`enrolment: no message to ${to} matches ${pattern}`);
  };

  const registration = await post(
    '/v1/registrations',
    {
      email: `bench-${index}@example.com`,
      // +44 20 79 46 xxxx is a range Ofcom reserves for drama, never a real line.
      phone: `+44207946${String(index).padStart(4, '0')}`,
    },
    201,
  );
  const { id, email, phone } = registration as { id: string; email: string; phone: string };
  for (const [channel, to] of [
    ['email', email],
    ['phone', phone],
  ] as const) {
    const code = await codeSentTo(to, /verification code is (\d{6})/);
    await post(`/v1/registrations/${id}/${channel}-verification`, { code }, 200);
  }
  const activationCode = await codeSentTo(phone, /activation code is (\d{8})/);

  const agreement = await createDeviceKeyPair(false);
  const signing = await createSigningKeyPair(false);
  const device = (await post(
    '/v1/devices/activate',
    {
      email,
      code: activationCode,
      name: `bench ${index}`,
      kind: 'cli',
      agreementKey: await exportPublicKey(agreement.publicKey),
      signingKey: await exportSigningPublicKey(signing.publicKey),
    },
    201,
  )) as { deviceId: string; serverKey: string };
  const keyBytes = await deriveOcraKeyBytes({
    privateKey: agreement.privateKey,
    peerPublicKey: device.serverKey,
    deviceId: device.deviceId,
  });
  const secret = createSecretKey(keyBytes);
  keyBytes.fill(0);
  const ocraKey: HmacKey = {
    hash: 'SHA-256',
    sign: (data) => createHmac('sha256', secret).update(data).digest(),
  };
  return { email, deviceId: device.deviceId, ocraKey, signingKey: signing.privateKey };
}
