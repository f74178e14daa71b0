import { describe, expect, it } from 'vitest';
import { AppError } from '../app-error.js';
import { STORE_KEYS } from '../store/kv-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { Registration } from './registration.js';

function fakeApi(answers: Record<string, unknown>) {
  const calls: { path: string; body: unknown }[] = [];
  return {
    calls,
    async get<T>(): Promise<T> {
      throw new Error('not used');
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      calls.push({ path, body });
      const answer = answers[path];
      if (answer instanceof AppError) throw answer;
      return answer as T;
    },
  };
}

describe('Registration from the app (PRODUCT.md flow 2)', () => {
  it('keeps the registration until both codes are verified', async () => {
    const store = new MemoryStore();
    const api = fakeApi({
      '/v1/registrations': { id: 'r1', email: 'ann@example.test', phone: '+44 ••• 0123' },
      '/v1/registrations/r1/email-verification': {
        id: 'r1',
        emailVerified: true,
        phoneVerified: false,
        completed: false,
      },
      '/v1/registrations/r1/phone-verification': {
        id: 'r1',
        emailVerified: true,
        phoneVerified: true,
        completed: true,
      },
    });
    const registration = new Registration(api, store);
    await registration.start(' ann@example.test ', '+44 7700 900123');
    expect(api.calls[0]).toEqual({
      path: '/v1/registrations',
      body: { email: 'ann@example.test', phone: '+44 7700 900123' },
    });
    const afterEmail = await new Registration(api, store).verify('email', '123 456');
    expect(afterEmail).toMatchObject({ completed: false, pending: { emailVerified: true } });
    expect(api.calls[1]!.body).toEqual({ code: '123456' });
    expect(await new Registration(api, store).verify('phone', '654321')).toEqual({
      completed: true,
      email: 'ann@example.test',
    });
    expect(await store.get(STORE_KEYS.registration)).toBeUndefined();
  });

  it('keeps the registration after a wrong code, and forgets it at a dead end', async () => {
    const store = new MemoryStore();
    const wrong = new AppError('ERR_CODE_INVALID', 'wrong', { details: { attemptsLeft: 4 } });
    const api = fakeApi({
      '/v1/registrations': { id: 'r2', email: 'bo@example.test', phone: '+44 ••• 0124' },
      '/v1/registrations/r2/email-verification': wrong,
      '/v1/registrations/r2/phone-verification': new AppError('ERR_REGISTRATION_CLOSED', 'closed'),
    });
    const registration = new Registration(api, store);
    await registration.start('bo@example.test', '+447700900124');
    await expect(registration.verify('email', '000000')).rejects.toBe(wrong);
    expect(await registration.pending()).toMatchObject({ id: 'r2' });
    await expect(registration.verify('phone', '000000')).rejects.toMatchObject({
      code: 'ERR_REGISTRATION_CLOSED',
    });
    expect(await registration.pending()).toBeUndefined();
  });
});
