import * as core from '@cipherpad/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

// The comparison the service makes is the core's constant-time one, watched
// (not replaced) so the test sees every comparison and its outcome decides.
const compared = vi.hoisted(() => ({ calls: [] as [string, string][], veto: false }));
vi.mock('@cipherpad/core', async (importOriginal) => {
  const original = await importOriginal<typeof core>();
  return {
    ...original,
    constantTimeEqual: (a: string | Uint8Array, b: string | Uint8Array) => {
      compared.calls.push([String(a), String(b)]);
      return compared.veto ? false : original.constantTimeEqual(a, b);
    },
  };
});

let service: TestService;
let alice: Enrolled;

beforeAll(async () => {
  service = await startTestService();
  alice = await enroll(service, 'ct@example.com', '+442079463000');
});
afterAll(async () => {
  await service?.close();
});
beforeEach(() => {
  compared.calls = [];
  compared.veto = false;
});

async function loginWith(response: (challenge: string) => Promise<string>) {
  const started = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email: 'ct@example.com' },
  });
  const { id, challenge } = started.json() as { id: string; challenge: string };
  const typed = await response(challenge);
  const verified = await service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/verify`,
    payload: { response: typed },
  });
  return { challenge, typed, status: verified.statusCode };
}

describe('login verification compares in constant time', () => {
  it('compares the typed response with the expected one through constantTimeEqual only', async () => {
    const right = await loginWith((challenge) =>
      core.computeResponse(alice.ocraKey, { mode: 'authorization', challenge }),
    );
    expect(right.status).toBe(200);
    expect(compared.calls).toEqual([[right.typed, right.typed]]);

    compared.calls = [];
    const wrong = await loginWith(async () => '00000000');
    expect(wrong.status).toBe(401);
    expect(compared.calls).toHaveLength(1);
    expect(compared.calls[0]?.[1]).toBe('00000000');
  });

  it('refuses the right response when the constant-time comparison says no', async () => {
    compared.veto = true;
    const vetoed = await loginWith((challenge) =>
      core.computeResponse(alice.ocraKey, { mode: 'authorization', challenge }),
    );
    expect(vetoed.status).toBe(401);
    expect(compared.calls).toHaveLength(1);
  });
});
