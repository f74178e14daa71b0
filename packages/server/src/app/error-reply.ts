import { CipherpadError } from '@cipherpad/core';
import { frameworkErrorCode } from '@cipherpad/http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../errors/error-codes.js';
import { ServiceError } from '../errors/service-error.js';

/**
 * The error handler of the whole app, and its `frameworkErrors`: every
 * failure becomes `{ error: code, message, ...details }` with a code of
 * {@link ERROR_CODES}. A `ServiceError` keeps its code and details; a
 * `CipherpadError` of the core, from a request's input, is a 400; a schema
 * failure is `ERR_VALIDATION` naming the field; Fastify's refusals (bad URL
 * encoding, a parameter over `maxParamLength`, a body too large, of the
 * wrong type or not JSON) get their code from
 * `frameworkErrorCode` (`packages/http`). Only what is
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
  const code = frameworkErrorCode(error);
  if (code) {
    return reply
      .code(ERROR_CODES[code].status)
      .send({ error: code, message: ERROR_CODES[code].message });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ error: 'ERR_INTERNAL', message: ERROR_CODES.ERR_INTERNAL.message });
}
