import type { FastifyError } from 'fastify';

/** The codes Fastify's own refusals are given, as every app's code table holds them. */
export type FrameworkErrorCode =
  | 'ERR_URL_INVALID'
  | 'ERR_URI_TOO_LONG'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_VALIDATION'
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED';

/**
 * The codes of Fastify's own refusals, made ours: a client switches on
 * `ERR_…` codes documented in docs/errors.md, never on Fastify's names.
 */
const FASTIFY_CODES: Readonly<Record<string, FrameworkErrorCode>> = {
  FST_ERR_BAD_URL: 'ERR_URL_INVALID',
  FST_ERR_MAX_PARAM_LENGTH: 'ERR_URI_TOO_LONG',
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_VALIDATION',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_VALIDATION',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_VALIDATION',
};

/** Any other client error Fastify raises, by its HTTP status. */
const BY_STATUS: Readonly<Record<number, FrameworkErrorCode>> = {
  400: 'ERR_VALIDATION',
  404: 'ERR_NOT_FOUND',
  405: 'ERR_METHOD_NOT_ALLOWED',
  413: 'ERR_PAYLOAD_TOO_LARGE',
  414: 'ERR_URI_TOO_LONG',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The code for an error Fastify raised itself: its refusals (bad URL
 * encoding, a parameter over `maxParamLength`, a body too large, of the
 * wrong type or not JSON) by name, any other client error by its status
 * (`ERR_VALIDATION` when none fits); undefined for a server error, which the
 * app logs as `ERR_INTERNAL`.
 */
export function frameworkErrorCode(error: FastifyError): FrameworkErrorCode | undefined {
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  return (
    FASTIFY_CODES[error.code] ??
    (status >= 400 && status < 500 ? (BY_STATUS[status] ?? 'ERR_VALIDATION') : undefined)
  );
}
