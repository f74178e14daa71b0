import { computeResponse, type ResponseRequest } from '@cipherpad/core';

/**
 * The app's response path: the 8-digit response of the device's OCRA key (a non-extractable
 * HMAC SHA-256 `CryptoKey`) to a request, exactly as the CLI computes it from the same key
 * bytes (docs/protocol.md, "Responses").
 *
 * @example
 * ```ts
 * const response = await answer(keys.ocraKey, { mode: 'authorization', challenge: '12345678' });
 * ```
 */
export function answer(ocraKey: CryptoKey, request: ResponseRequest): Promise<string> {
  return computeResponse(ocraKey, request);
}

/** Shows an 8-digit response in two groups of four, easier to read and type: `1234 5678`. */
export function groupDigits(response: string): string {
  return response.length === 8 ? `${response.slice(0, 4)} ${response.slice(4)}` : response;
}
