/**
 * What the fuzz tests' malformed requests are made of (see
 * `malformed-requests.ts`): values of every JSON type and strings that have
 * broken parsers and databases before, field names to try on a route without
 * a schema, methods, content types, bodies that are not JSON, bad
 * percent-encodings.
 */
/** Values of every JSON type, and strings that have broken parsers and databases before. */
export const VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\uffff',
  '😀'.repeat(50),
  'x'.repeat(4000),
  [],
  [1, 'a', null],
  {},
  { a: { b: [] } },
  '__proto__',
  '12345678',
  '1.00',
  '0',
  '-1',
  '1e400',
  'NaN',
  'Z123456789012',
  'fuzz@example.com',
  '+442079460999',
  'cookie',
  'sms',
  'payment',
  "' or 1=1 --",
  '%00',
  '../../etc/passwd',
];

export const FALLBACK_FIELDS = [
  'email',
  'phone',
  'response',
  'code',
  'amount',
  'purse',
  'to',
  'description',
  'method',
  'session',
  'operation',
  'name',
  'type',
  'confirmation',
];

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/jsonx',
  'json',
  '',
  '\u0000',
  'application/json\u0000',
];

export const NOT_JSON = [
  '',
  '{',
  'nul',
  '"text"',
  '123',
  'true',
  '[]',
  '{"a":1}x',
  '{"a":}',
  '\u0000',
  '{"a":"\\ud800"}',
];

export const BAD_PERCENT = ['%ff', '%', '%zz', '%c0%af', '%e0%80', '%ed%a0%80', 'a%2', '%fe%ff'];
