import type { FastifyRequest, preValidationHookHandler } from 'fastify';

/**
 * Reads a request without a body as an empty object, on routes whose body is
 * optional (`POST …/deny`, `POST …/session`): the schema then checks `{}`
 * instead of refusing the missing body.
 */
export const emptyBodyAsObject: preValidationHookHandler = (
  request: FastifyRequest,
  _reply,
  done,
) => {
  if (request.body === undefined || request.body === null) request.body = {};
  done();
};
