import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KEEPER_ERRORS, KeeperError, type KeeperErrorCode } from '../errors.js';

/**
 * The codes of Fastify's own refusals, made the keeper's: its pages switch on
 * `ERR_…` codes documented in docs/errors.md, never on Fastify's names.
 */
const FASTIFY_CODES: Readonly<Record<string, KeeperErrorCode>> = {
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
const BY_STATUS: Readonly<Record<number, KeeperErrorCode>> = {
  400: 'ERR_VALIDATION',
  404: 'ERR_NOT_FOUND',
  405: 'ERR_METHOD_NOT_ALLOWED',
  413: 'ERR_PAYLOAD_TOO_LARGE',
  414: 'ERR_URI_TOO_LONG',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The keeper's error handler, and its `frameworkErrors`: every failure
 * becomes `{ error: code, message, ...details }` with a stable code. A
 * `KeeperError` keeps its code and details (Cipherpad's, when it passes one
 * on); a schema failure is `ERR_VALIDATION` naming the field; Fastify's
 * refusals (bad URL encoding, a parameter over `maxParamLength`, a body too
 * large, of the wrong type or not JSON) get their code above, any other
 * client error Fastify raises a code by its status (400 when none fits).
 * Only what is left is a logged `ERR_INTERNAL`.
 */
export function replyWithError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof KeeperError) {
    if (typeof error.details.retryAfter === 'number') {
      reply.header('retry-after', String(error.details.retryAfter));
    }
    return reply
      .code(error.status)
      .send({ error: error.code, message: error.message, ...error.details });
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
      .code(KEEPER_ERRORS[code].status)
      .send({ error: code, message: KEEPER_ERRORS[code].message });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .code(500)
    .send({ error: 'ERR_INTERNAL', message: KEEPER_ERRORS.ERR_INTERNAL.message });
}
