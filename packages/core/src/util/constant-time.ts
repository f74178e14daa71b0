/**
 * Compares two values without returning early at the first difference, so the
 * time taken does not reveal where they differ (for comparing an expected
 * response, MAC or token with one an attacker supplied).
 *
 * Strings are compared as their UTF-8 bytes, so a string and a `Uint8Array`
 * holding its UTF-8 encoding are equal. Values of different lengths are unequal,
 * but the loop still runs over the longer length: only the lengths, never the
 * content, influence the time. JavaScript engines give no hard guarantee about
 * timing; this is the usual best effort (no data-dependent branch or exit).
 *
 * @param a - The first value.
 * @param b - The second value.
 * @returns `true` exactly when both hold the same bytes.
 *
 * @example
 * ```ts
 * constantTimeEqual(expectedResponse, submittedResponse);
 * ```
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  const length = Math.max(x.length, y.length);
  // Any difference in length makes the result false, with no early exit.
  let difference = x.length ^ y.length;
  for (let i = 0; i < length; i++) {
    // Reading past the end of a typed array gives undefined; `| 0` maps it to 0
    // without a branch on the content.
    difference |= (x[i]! | 0) ^ (y[i]! | 0);
  }
  return difference === 0;
}

const encoder = new TextEncoder();

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}
