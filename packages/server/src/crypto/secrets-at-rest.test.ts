import { createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSite } from '../sites/register-site.js';
import { activateWithCode } from '../testing/enroll.js';
import { signIn } from '../testing/sign-in.js';
import { startTestService, type TestService } from '../testing/test-service.js';

// docs/architecture.md, "Secrets at rest": the rows are read back after each
// flow and checked against the documented forms, computed here from the
// master key with node:crypto alone, not with the service's own helpers.
const masterKey = randomBytes(32);
let service: TestService;

beforeAll(async () => {
  service = await startTestService({
    env: { CIPHERPAD_MASTER_KEY: masterKey.toString('base64url') },
  });
});
afterAll(async () => {
  await service?.close();
});

/** HMAC-SHA-256 under the code-hash key derived from the master key (HKDF-SHA-256). */
function codeHash(purpose: string, code: string): string {
  const key = Buffer.from(
    hkdfSync('sha256', masterKey, new Uint8Array(0), 'cipherpad code-hash v1', 32),
  );
  return createHmac('sha256', key).update(`${purpose}\0${code}`).digest('base64url');
}

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** AES-256-GCM under the secret-box key derived from the master key, bound to `aad`. */
function openSealed(sealed: string, aad: string): Buffer {
  const [version, data] = sealed.split('.');
  expect(version).toBe('v1');
  const raw = Buffer.from(data ?? '', 'base64url');
  const key = Buffer.from(
    hkdfSync('sha256', masterKey, new Uint8Array(0), 'cipherpad secret-box v1', 32),
  );
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}

/** RFC 4648 §6 base32, as authenticator keys are often written. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/**
 * No column of `row` holds `secret`. Columns that hold public values made of
 * digits (ids, timestamps, the phone number) could contain a 6-digit code by
 * chance, so only they are checked for equality rather than containment.
 */
function expectNowhere(row: Record<string, unknown>, secret: string, publicColumns: string[]) {
  expect(secret.length).toBeGreaterThanOrEqual(6);
  for (const [column, value] of Object.entries(row)) {
    if (value === null) continue;
    const text = String(value);
    if (publicColumns.includes(column)) {
      expect(text, column).not.toBe(secret);
    } else {
      expect(text.toLowerCase(), column).not.toContain(secret.toLowerCase());
    }
  }
}

const PUBLIC = ['id', 'account_id', 'email', 'phone', 'created_at', 'expires_at'];

describe('secrets at rest (docs/architecture.md)', () => {
  let registrationId = '';
  let accountId = '';
  let device: { deviceId: string; ocraKey: Uint8Array } | null = null;
  const email = 'rest@example.com';
  const phone = '+442079476001';

  it('keeps a registration email code and phone code as HMAC-SHA-256, its email-link token as SHA-256', async () => {
    const started = await service.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: { email, phone },
    });
    expect(started.statusCode).toBe(201);
    registrationId = started.json().id;
    const emailCode = await service.codeSentTo(email, /verification code is (\d{6})/);
    const emailToken = await service.codeSentTo(email, /token=([A-Za-z0-9_-]{43})/);
    const phoneCode = await service.codeSentTo(phone, /verification code is (\d{6})/);

    const row = await service.services.db
      .selectFrom('registrations')
      .selectAll()
      .where('id', '=', registrationId)
      .executeTakeFirstOrThrow();
    for (const secret of [emailCode, phoneCode, emailToken]) {
      expectNowhere(row, secret, [...PUBLIC, 'email_expires_at', 'phone_expires_at']);
    }
    expect(row.email_code_hash).toBe(codeHash(`registration-email:${registrationId}`, emailCode));
    expect(row.phone_code_hash).toBe(codeHash(`registration-phone:${registrationId}`, phoneCode));
    expect(row.email_token_hash).toBe(sha256(emailToken));

    // The stored forms are the ones the service checks against: the link and the code work.
    const link = await service.app.inject({
      method: 'GET',
      url: `/v1/registrations/verify-email?token=${emailToken}`,
    });
    expect(link.statusCode).toBe(200);
    const typed = await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${registrationId}/phone-verification`,
      payload: { code: phoneCode },
    });
    expect(typed.statusCode).toBe(200);
    expect(typed.json().completed).toBe(true);
  });

  it('keeps an activation code as HMAC-SHA-256 bound to the account', async () => {
    const code = await service.codeSentTo(phone, /activation code is (\d{8})/);
    const account = await service.services.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    accountId = account.id;
    const rows = await service.services.db
      .selectFrom('activation_codes')
      .selectAll()
      .where('account_id', '=', accountId)
      .execute();
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expectNowhere(row ?? {}, code, [...PUBLIC, 'used_at']);
    expect(row?.code_hash).toBe(codeHash(`activation:${accountId}`, code));
    device = await activateWithCode(service, email, code);
    expect(device.accountId).toBe(accountId);
  });

  it("keeps a device's OCRA key encrypted with AES-256-GCM, bound to the device id", async () => {
    if (!device) throw new Error('the activation above did not run');
    const row = await service.services.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', device.deviceId)
      .executeTakeFirstOrThrow();
    const key = Buffer.from(device.ocraKey);
    expect(key).toHaveLength(32);
    for (const spelling of [
      key.toString('hex'),
      key.toString('base64'),
      key.toString('base64url'),
      base32(key),
    ]) {
      expectNowhere(row, spelling, []);
    }
    expect(openSealed(row.ocra_key_enc, `device:${device.deviceId}`).equals(key)).toBe(true);
    // Bound to its device: the same ciphertext does not open for another id.
    expect(() => openSealed(row.ocra_key_enc, `device:${accountId}`)).toThrow(
      /unable to authenticate data/,
    );
  });

  it("keeps a session token's secret as SHA-256, the token nowhere", async () => {
    if (!device) throw new Error('the activation above did not run');
    const { token } = await signIn(service, { email, ocraKey: device.ocraKey });
    const id = token.slice(0, 32);
    const secret = token.slice(32);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await service.services.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expectNowhere(row, secret, []);
    expect(row.secret_hash).toBe(sha256(secret));
  });

  it('keeps an SMS confirmation code as HMAC-SHA-256 bound to the confirmation', async () => {
    const site = await registerSite(
      { db: service.services.db, secrets: service.services.secrets, now: 0 },
      { name: 'Keeper Demo' },
    );
    const to = '+442079476002';
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/sms-confirmations',
      headers: {
        authorization: `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`,
      },
      payload: { phone: to, operation: { type: 'operation', name: 'personal-data' } },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const code = await service.codeSentTo(to, /code (\d{6}) confirms/);
    const row = await service.services.db
      .selectFrom('sms_confirmations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expectNowhere(row, code, [...PUBLIC, 'site_id']);
    expect(row.code_hash).toBe(codeHash(`sms-confirmation:${id}`, code));
  });
});
