import {
  computeResponse,
  createDeviceKeyPair,
  deriveOcraKeyBytes,
  exportPublicKey,
  importSigningPublicKey,
} from '@cipherpad/core';
import { describe, expect, it } from 'vitest';
import { AppError } from '../app-error.js';
import { activateDevice } from '../device/activate-device.js';
import { answer } from '../respond/answer.js';
import { STORE_KEYS } from '../store/kv-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { DeviceVault } from './device-vault.js';
import type { WipeAfter } from './stored-device.js';

// Few iterations keep the tests fast; the sealing is the same.
const ITERATIONS = 1000;
const AUTH = { mode: 'authorization', challenge: '12345678' } as const;

/** The service's side of activation, as docs/protocol.md describes it. */
function fakeService(options: { refuse?: string } = {}) {
  const calls: { path: string; body: Record<string, string> }[] = [];
  const service = {
    calls,
    ocraKey: undefined as Uint8Array | undefined,
    signingKey: undefined as string | undefined,
    async post<T>(path: string, body: unknown): Promise<T> {
      const sent = body as Record<string, string>;
      calls.push({ path, body: sent });
      if (options.refuse !== undefined) {
        throw new AppError(options.refuse, 'refused', { status: 400 });
      }
      const server = await createDeviceKeyPair();
      const deviceId = 'dev_test-1';
      service.ocraKey = await deriveOcraKeyBytes({
        privateKey: server.privateKey,
        peerPublicKey: sent.agreementKey!,
        deviceId,
      });
      service.signingKey = sent.signingKey;
      return {
        deviceId,
        serverKey: await exportPublicKey(server.publicKey),
        accountId: 'acc_1',
        email: 'ann@example.test',
      } as T;
    },
  };
  return service;
}

async function activated(pin?: string, wipeAfter: WipeAfter = 3) {
  const store = new MemoryStore();
  const vault = new DeviceVault(store);
  const service = fakeService();
  const result = await activateDevice(
    service,
    vault,
    {
      email: ' ann@example.test ',
      code: '1234-5678',
      name: 'Phone',
      ...(pin === undefined ? {} : { pin: { pin, wipeAfter } }),
    },
    { iterations: ITERATIONS },
  );
  return { store, vault, service, ...result };
}

describe('Activation (docs/protocol.md key agreement)', () => {
  it('agrees on the OCRA key with the service and keeps only non-extractable keys', async () => {
    const { service, keys, device } = await activated();
    expect(service.calls[0]!.path).toBe('/v1/devices/activate');
    expect(service.calls[0]!.body).toMatchObject({
      email: 'ann@example.test',
      code: '12345678',
      kind: 'app',
      name: 'Phone',
    });
    expect(keys.ocraKey.extractable).toBe(false);
    expect(keys.signingKey.extractable).toBe(false);
    expect(device.protection).toBe('none');
    expect(await answer(keys.ocraKey, AUTH)).toBe(await computeResponse(service.ocraKey!, AUTH));
  });

  it('signs with the key whose public half was sent', async () => {
    const { service, keys } = await activated();
    const data = new TextEncoder().encode('x');
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      keys.signingKey,
      data,
    );
    const publicKey = await importSigningPublicKey(service.signingKey!);
    expect(
      await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, data),
    ).toBe(true);
  });

  it('stores nothing when the service refuses the activation code', async () => {
    const store = new MemoryStore();
    const attempt = activateDevice(
      fakeService({ refuse: 'ERR_ACTIVATION_FAILED' }),
      new DeviceVault(store),
      {
        email: 'ann@example.test',
        code: '00000000',
        name: 'Phone',
        pin: { pin: '2468', wipeAfter: 5 },
      },
      { iterations: ITERATIONS },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_ACTIVATION_FAILED' });
    expect(store.size).toBe(0);
  });

  it('refuses a malformed PIN before calling the service', async () => {
    const service = fakeService();
    await expect(
      activateDevice(service, new DeviceVault(new MemoryStore()), {
        email: 'a@b.c',
        code: '1',
        name: '',
        pin: { pin: '12', wipeAfter: 3 },
      }),
    ).rejects.toMatchObject({ code: 'ERR_PIN_FORMAT' });
    expect(service.calls).toHaveLength(0);
  });
});

describe('PIN protection and wipe counting', () => {
  it('seals the keys: the store holds no usable key, only wrapped bytes', async () => {
    const { store } = await activated('2468');
    const stored = await store.get<Record<string, unknown>>(STORE_KEYS.device);
    expect(stored?.protection).toBe('pin');
    expect(stored?.keys).toBeUndefined();
    const sealed = stored?.sealed as Record<string, unknown>;
    expect(sealed.iterations).toBe(ITERATIONS);
    expect(sealed.ocraKey).toBeInstanceOf(ArrayBuffer);
    expect(Object.values(sealed).some((v) => v instanceof CryptoKey)).toBe(false);
  });

  it('unlocks with the right PIN, to keys that give the service’s responses', async () => {
    const { store, service } = await activated('2468');
    const result = await new DeviceVault(store).unlock('2468');
    if (result.status !== 'unlocked') throw new Error(result.status);
    expect(result.keys.ocraKey.extractable).toBe(false);
    expect(result.keys.signingKey.extractable).toBe(false);
    expect(await answer(result.keys.ocraKey, AUTH)).toBe(
      await computeResponse(service.ocraKey!, AUTH),
    );
  });

  it('counts wrong PINs persistently and resets the count on the right PIN', async () => {
    const { store } = await activated('2468', 5);
    expect(await new DeviceVault(store).unlock('1111')).toEqual({
      status: 'wrong-pin',
      attemptsLeft: 4,
    });
    // A new vault over the same store: the app was closed and opened again.
    expect(await new DeviceVault(store).unlock('2222')).toEqual({
      status: 'wrong-pin',
      attemptsLeft: 3,
    });
    expect(await new DeviceVault(store).attemptsLeft()).toBe(3);
    expect((await new DeviceVault(store).unlock('2468')).status).toBe('unlocked');
    expect(await store.get(STORE_KEYS.pinFailures)).toBe(0);
    expect(await new DeviceVault(store).unlock('3333')).toEqual({
      status: 'wrong-pin',
      attemptsLeft: 4,
    });
  });

  it.each([3, 5, 10] as const)('wipes everything after %i wrong PINs in a row', async (limit) => {
    const { store, vault } = await activated('2468', limit);
    await store.put(STORE_KEYS.registration, { id: 'reg' });
    for (let i = 1; i < limit; i++) {
      expect(await vault.unlock('0000')).toEqual({ status: 'wrong-pin', attemptsLeft: limit - i });
    }
    expect(await vault.unlock('0000')).toEqual({ status: 'wiped' });
    expect(store.size).toBe(0);
    expect(await vault.unlock('2468')).toEqual({ status: 'not-activated' });
  });

  it('counts an attempt before trying it: an interrupted last attempt still wipes', async () => {
    const { store, vault } = await activated('2468', 3);
    await store.put(STORE_KEYS.pinFailures, 3);
    expect(await vault.unlock('2468')).toEqual({ status: 'wiped' });
    expect(store.size).toBe(0);
  });

  it('opens keys without a PIN when none was chosen', async () => {
    const { vault } = await activated();
    expect((await vault.unlock(undefined)).status).toBe('unlocked');
    expect(await vault.attemptsLeft()).toBeUndefined();
  });

  it('changes the PIN and the wipe limit; the old PIN stops working', async () => {
    const { vault, service } = await activated('2468', 3);
    const changed = await vault.changePin('2468', '97531', 10, ITERATIONS);
    if (changed.status !== 'unlocked') throw new Error(changed.status);
    expect(changed.device.protection === 'pin' && changed.device.wipeAfter).toBe(10);
    expect(changed.keys.ocraKey.extractable).toBe(false);
    expect(await vault.unlock('2468')).toEqual({ status: 'wrong-pin', attemptsLeft: 9 });
    const reopened = await vault.unlock('97531');
    if (reopened.status !== 'unlocked') throw new Error(reopened.status);
    expect(await answer(reopened.keys.ocraKey, AUTH)).toBe(
      await computeResponse(service.ocraKey!, AUTH),
    );
  });

  it('counts a wrong current PIN when changing the PIN', async () => {
    const { vault } = await activated('2468', 3);
    expect(await vault.changePin('1357', '97531', 3, ITERATIONS)).toEqual({
      status: 'wrong-pin',
      attemptsLeft: 2,
    });
  });
});

describe('The device’s name', () => {
  it('keeps a new name from the service, and the PIN-sealed keys still open', async () => {
    const { vault, service, device } = await activated('2468', 3);
    const renamed = await vault.rename(device.deviceId, 'Ada’s Pixel');
    expect(renamed?.name).toBe('Ada’s Pixel');
    expect((await vault.device())?.name).toBe('Ada’s Pixel');
    const opened = await vault.unlock('2468');
    if (opened.status !== 'unlocked') throw new Error(opened.status);
    expect(opened.device.name).toBe('Ada’s Pixel');
    expect(await answer(opened.keys.ocraKey, AUTH)).toBe(
      await computeResponse(service.ocraKey!, AUTH),
    );
  });

  it('renames nothing after a wipe, or for another device id', async () => {
    const { vault, device } = await activated();
    expect(await vault.rename('dev_other', 'Not mine')).toBeUndefined();
    expect((await vault.device())?.name).toBe('Phone');
    await vault.wipe();
    expect(await vault.rename(device.deviceId, 'Too late')).toBeUndefined();
    expect(await vault.device()).toBeUndefined();
  });
});
