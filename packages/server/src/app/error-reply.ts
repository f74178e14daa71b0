import { CipherpadError } from '@cipherpad/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { ServiceError } from '../errors/service-error.js';

/**
 * The codes of Fastify's own refusals, made the service's: a client switches
 * on `ERR_…` codes documented in docs/errors.md, never on Fastify's names.
 */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
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
const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'ERR_VALIDATION',
  404: 'ERR_NOT_FOUND',
  405: 'ERR_METHOD_NOT_ALLOWED',
  413: 'ERR_PAYLOAD_TOO_LARGE',
  414: 'ERR_URI_TOO_LONG',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The error handler of the whole app, and its `frameworkErrors`: every
 * failure becomes `{ error: code, message, ...details }` with a code of
 * {@link ERROR_CODES}. A `ServiceError` keeps its code and details; a
 * `CipherpadError` of the core, from a request's input, is a 400; a schema
 * failure is `ERR_VALIDATION` naming the field; Fastify's refusals (bad URL
 * encoding, a parameter over `maxParamLength`, a body too large, of the
 * wrong type or not JSON) get their code above, any other client error
 * Fastify raises a code by its status (400 when none fits). Only what is
 * left is a logged `ERR_INTERNAL`.
 */
export function replyWithError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ServiceError) {
    if (typeof error.details.retryAfter === 'number') {
      reply.header('retry-after', String(error.details.retryAfter));
    }
    return reply
      .code(error.status)
      .send({ error: error.code, message: error.message, ...error.details });
  }
  if (error instanceof CipherpadError) {
    return reply.code(400).send({ error: error.code, message: error.message });
  }
  if (error.validation) {
    return reply.code(400).send({
      error: 'ERR_VALIDATION',
      message: `${error.validationContext ?? 'request'} ${error.validation[0]?.message ?? 'is invalid'}`,
    });
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  const code =
    FASTIFY_CODES[error.code] ??
    (status >= 400 && status < 500 ? (BY_STATUS[status] ?? 'ERR_VALIDATION') : undefined);
  if (code) {
    return reply
      .code(ERROR_CODES[code].status)
      .send({ error: code, message: ERROR_CODES[code].message });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ error: 'ERR_INTERNAL', message: ERROR_CODES.ERR_INTERNAL.message });
}
