import { computeResponse } from '@cipherpad/core';
import type { TestService } from './test-service.js';

/**
 * Logs a device in over the API, as a site and the person's device do: the
 * login's id and the session's bearer token.
 *
 * @throws Error when the login is not answered with a session.
 */
export async function signIn(
  service: TestService,
  user: { readonly email: string; readonly ocraKey: Uint8Array },
): Promise<{ loginId: string; token: string }> {
  const started = await service.app.inject({
    method: 'POST',
    url: '/v1/logins',
    payload: { email: user.email },
  });
  const { id, challenge } = started.json() as { id: string; challenge: string };
  const response = await computeResponse(user.ocraKey, { mode: 'authorization', challenge });
  const verified = await service.app.inject({
    method: 'POST',
    url: `/v1/logins/${id}/verify`,
    payload: { response },
  });
  if (verified.statusCode !== 200) throw new Error(`sign-in: ${verified.body}`);
  return { loginId: id, token: (verified.json() as { session: { token: string } }).session.token };
}
