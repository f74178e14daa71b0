import { computeResponse } from '@cipherpad/core';
import type { BenchAccount } from './enroll.js';
import type { HttpClient, HttpResponse } from './http-client.js';
import type { Cycle } from './load.js';

/**
 * One full login as a site and a person's device do it, client `n` on
 * account `n`: start the login, compute the OCRA response to its challenge,
 * verify it. Anything but 201 then 200 with a session throws, named by the
 * request, the status and the error code. `acknowledged` is told of each
 * write the server acknowledged: the login's id (201), the session's token (200).
 */
export function loginCycle(
  http: HttpClient,
  accounts: readonly BenchAccount[],
  acknowledged?: { login(id: string): void; session(token: string): void },
): Cycle {
  return async (client) => {
    const account = accounts[client];
    if (!account) throw new Error(`no account for client ${client}`);
    const started = await http.post('/v1/logins', { email: account.email });
    if (started.status !== 201) throw refusal('POST /v1/logins', started);
    const { id, challenge } = JSON.parse(started.body) as { id: string; challenge: string };
    acknowledged?.login(id);
    const response = await computeResponse(account.ocraKey, { mode: 'authorization', challenge });
    const verified = await http.post(`/v1/logins/${id}/verify`, { response });
    if (verified.status !== 200) throw refusal('POST /v1/logins/:id/verify', verified);
    const body = JSON.parse(verified.body) as { session?: { token?: unknown }; deviceId?: unknown };
    if (typeof body.session?.token !== 'string' || body.deviceId !== account.deviceId) {
      throw new Error('POST /v1/logins/:id/verify: 200 without this device’s session');
    }
    acknowledged?.session(body.session.token);
  };
}

/**
 * The baseline's cycle: two empty POSTs in sequence, as a login cycle is two
 * requests, each answered 204 by the bare server.
 */
export function emptyPostCycle(http: HttpClient): Cycle {
  return async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await http.post('/');
      if (answer.status !== 204) throw refusal('POST /', answer);
    }
  };
}

/** The error of an unexpected answer: the request, the status and the error code. */
export function refusal(request: string, answer: HttpResponse): Error {
  let code = '';
  try {
    code = ` ${(JSON.parse(answer.body) as { error?: string }).error ?? ''}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return new Error(`${request} → ${answer.status}${code}`.trimEnd());
}
