import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { sealKeys, unsealKeys } from './sealed-keys.js';
import type { ClearKeys, SealedKeys } from './state-file.js';

const KEYS: ClearKeys = {
  ocraKey: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  signingKey: { kty: 'EC', crv: 'P-256', x: 'X', y: 'Y', d: 'secret-d' },
};

async function refusal(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => new Error('expected a refusal'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('key file sealed under a PIN (scrypt, AES-256-GCM, AAD = device id)', () => {
  it('opens with the PIN and the device id it was sealed for', async () => {
    const sealed = await sealKeys(KEYS, '2468', 'device-1');
    expect(await unsealKeys(sealed, '2468', 'device-1')).toEqual(KEYS);
  });

  it('holds neither key in clear, and never the same bytes twice', async () => {
    const first = await sealKeys(KEYS, '2468', 'device-1');
    const second = await sealKeys(KEYS, '2468', 'device-1');
    const text = JSON.stringify(first);
    expect(text).not.toContain(KEYS.ocraKey);
    expect(text).not.toContain('secret-d');
    expect(first.encrypted).toMatchObject({ kdf: 'scrypt', N: 32768, r: 8, p: 1 });
    expect(second.encrypted.salt).not.toBe(first.encrypted.salt);
    expect(second.encrypted.nonce).not.toBe(first.encrypted.nonce);
    expect(second.encrypted.ciphertext).not.toBe(first.encrypted.ciphertext);
  });

  it('refuses a wrong PIN', async () => {
    const sealed = await sealKeys(KEYS, '2468', 'device-1');
    const error = await refusal(unsealKeys(sealed, '2469', 'device-1'));
    expect(error.code).toBe('ERR_PIN_WRONG');
    expect(error.message).toBe('wrong PIN');
  });

  it('refuses keys moved to another device id', async () => {
    const sealed = await sealKeys(KEYS, '2468', 'device-1');
    expect((await refusal(unsealKeys(sealed, '2468', 'device-2'))).code).toBe('ERR_PIN_WRONG');
  });

  it('refuses scrypt costs a state file should never ask for', async () => {
    const sealed = await sealKeys(KEYS, '2468', 'device-1');
    const costly: SealedKeys = { encrypted: { ...sealed.encrypted, N: 2 ** 24 } };
    expect((await refusal(unsealKeys(costly, '2468', 'device-1'))).code).toBe('ERR_STATE_INVALID');
  });
});
