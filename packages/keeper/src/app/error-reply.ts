import { frameworkErrorCode } from '@cipherpad/http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KEEPER_ERRORS, KeeperError } from '../errors.js';

/**
 * The keeper's error handler, and its `frameworkErrors`: every failure
 * becomes `{ error: code, message, ...details }` with a stable code. A
 * `KeeperError` keeps its code and details (Cipherpad's, when it passes one
 * on); a schema failure is `ERR_VALIDATION` naming the field; Fastify's
 * refusals (bad URL encoding, a parameter over `maxParamLength`, a body too
 * large, of the wrong type or not JSON) get their code from
 * `frameworkErrorCode` (`packages/http`).
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
  const code = frameworkErrorCode(error);
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
