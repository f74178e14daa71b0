import { computeResponse } from '@cipherpad/core';
import type { TestService } from './test-service.js';

/**
 * Confirms a device operation over the API as the security site and the app
 * do it offline: starts the confirmation with the session, answers its
 * challenge with the device's OCRA key, and returns the confirmation's id
 * for the operation's own request.
 *
 * @throws Error when the service refuses a step.
 */
export async function confirmDeviceOperation(
  service: TestService,
  token: string,
  device: { readonly ocraKey: Uint8Array },
  operation: { readonly operation: string; readonly deviceId?: string },
): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const started = await service.app.inject({
    method: 'POST',
    url: '/v1/account/confirmations',
    headers,
    payload: operation,
  });
  if (started.statusCode !== 201) throw new Error(`confirmation: ${started.body}`);
  const { id, challenge } = started.json() as { id: string; challenge: string };
  const response = await computeResponse(device.ocraKey, { mode: 'authorization', challenge });
  const verified = await service.app.inject({
    method: 'POST',
    url: `/v1/account/confirmations/${id}/verify`,
    headers,
    payload: { response },
  });
  if (verified.statusCode !== 200) throw new Error(`confirmation verify: ${verified.body}`);
  return id;
}
