import { base64UrlEncode, bytesToHex } from '@cipherpad/core';

/** The first line of the signed string: the version of docs/web-api.md "Device authentication". */
export const DEVICE_AUTH_VERSION = 'cipherpad-device-auth-v1';

/** Who signs a device request: the device id and its ECDSA P-256 private key. */
export interface DeviceSigner {
  readonly deviceId: string;
  readonly signingKey: CryptoKey;
}

/**
 * The string a device signs for one request (docs/web-api.md, "Device authentication"):
 * `cipherpad-device-auth-v1\n<METHOD>\n<path with query>\n<ts>\n<hex SHA-256 of the body>`.
 *
 * @example
 * ```ts
 * await deviceAuthString('GET', '/v1/device/requests', 1700000000000, new Uint8Array());
 * // 'cipherpad-device-auth-v1\nGET\n/v1/device/requests\n1700000000000\ne3b0c442…b855'
 * ```
 */
export async function deviceAuthString(
  method: string,
  pathWithQuery: string,
  ts: number,
  body: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', body));
  return [
    DEVICE_AUTH_VERSION,
    method.toUpperCase(),
    pathWithQuery,
    String(ts),
    bytesToHex(digest),
  ].join('\n');
}

/**
 * The `Authorization` header value of a device request:
 * `Cipherpad-Device id=<deviceId>,ts=<ms>,sig=<base64url>`, where `sig` is the ECDSA P-256 /
 * SHA-256 signature in Web Crypto's IEEE P1363 form (`r ‖ s`, 64 bytes).
 */
export async function deviceAuthorization(
  signer: DeviceSigner,
  method: string,
  pathWithQuery: string,
  ts: number,
  body: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const text = await deviceAuthString(method, pathWithQuery, ts, body);
  const signature = await globalThis.crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    signer.signingKey,
    new TextEncoder().encode(text),
  );
  return `Cipherpad-Device id=${signer.deviceId},ts=${ts},sig=${base64UrlEncode(new Uint8Array(signature))}`;
}
