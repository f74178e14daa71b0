import type { FastifyRequest } from 'fastify';

/**
 * What a request may not carry anywhere, checked once for every route before
 * any handler, rather than field by field: `null` when the request is fine,
 * else the reason to refuse it with `ERR_VALIDATION`.
 *
 * - No NUL character (U+0000) in the query, a header, or a
 *   string or key of the JSON body: PostgreSQL's `text` and `jsonb` cannot
 *   hold it and would fail the query, and no field of the API has a use for it.
 * - A named path parameter (an id) is letters, digits, `-` and `_`, the
 *   alphabet of every id the service and the keeper hand out (32 hex
 *   characters, a site's `cps_` client id, a device id of `@cipherpad/core`);
 *   the route's schema bounds its length.
 */
export function unstorableInput(request: FastifyRequest): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(params ?? {})) {
    // A catch-all is a static file's path, which the static folder checks itself.
    if (typeof value !== 'string' || name === '*') continue;
    if (!ID.test(value)) {
      return `params/${name} must be letters, digits, - and _ only`;
    }
  }
  if (holdsNul(request.query)) return 'the query must not hold a NUL character';
  // The raw list (name, value, name, value…): no object to build on every request.
  const headers = request.raw.rawHeaders;
  for (let i = 1; i < headers.length; i += 2) {
    if ((headers[i] as string).includes('\0')) {
      return `the ${headers[i - 1]?.toLowerCase()} header must not hold a NUL character`;
    }
  }
  if (holdsNul(request.body)) return 'the body must not hold a NUL character';
  return null;
}

const ID = /^[A-Za-z0-9_-]*$/;

/**
 * Whether a parsed value holds U+0000 in a string or an object key, at any
 * depth. Walked with a stack rather than recursion: a body of 16 KiB may
 * nest thousands of levels deep. For a body a route parses itself (a signed
 * webhook's), which the guard above never sees.
 */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\0')) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === 'object') {
      // A parsed body's objects are plain: their own keys are all there is, and
      // no array of entries is made for every object of every request.
      for (const key in item) {
        if (key.includes('\0')) return true;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}
