import type { webcrypto } from 'node:crypto';
import { base64UrlEncode } from '@cipherpad/core';
import { deviceAuthText } from '../devices/device-auth.js';
import type { TestService } from './test-service.js';

/** A device as a signed request needs it. */
export interface SigningDevice {
  readonly deviceId: string;
  readonly signingKey: webcrypto.CryptoKey;
}

/**
 * The `Authorization` header of a device request, signed as the app signs it
 * (docs/web-api.md, device authentication).
 */
export async function deviceAuthorization(
  device: SigningDevice,
  method: string,
  url: string,
  ts: number,
  body?: string,
): Promise<string> {
  const bytes = body === undefined ? undefined : new TextEncoder().encode(body);
  const text = deviceAuthText(method, url, String(ts), bytes);
  const signature = await globalThis.crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    device.signingKey,
    new TextEncoder().encode(text),
  );
  return `Cipherpad-Device id=${device.deviceId},ts=${ts},sig=${base64UrlEncode(new Uint8Array(signature))}`;
}

let sequence = 0;

/**
 * Sends a signed device request through `app.inject()`. Its timestamp is the
 * service's clock less a few milliseconds that differ on every call: the
 * test clock stands still, and a request with the same text is a replay.
 */
export async function deviceRequest(
  service: TestService,
  device: SigningDevice,
  method: 'GET' | 'POST',
  url: string,
  payload?: Record<string, unknown>,
  options: { ts?: number; authorization?: string } = {},
) {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  const authorization =
    options.authorization ??
    (await deviceAuthorization(
      device,
      method,
      url,
      options.ts ?? service.clock.now() - (sequence++ % 60_000),
      body,
    ));
  return service.app.inject({
    method,
    url,
    headers: {
      authorization,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: body }),
  });
}
