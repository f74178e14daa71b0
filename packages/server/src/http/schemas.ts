/** JSON schemas shared by route declarations. */
export const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
  },
  additionalProperties: true,
} as const;

/** A short free-form string field (the service validates its content). */
export const shortString = { type: 'string', maxLength: 320 } as const;

/** The `:id` parameter of a resource. */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** An id in a body: the service's ids are lower-case hex. */
export const idString = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[0-9a-f]+$',
} as const;

/** The body of a device operation: the id of its confirmation. */
export const confirmationBody = {
  type: 'object',
  properties: { confirmation: idString },
} as const;

/** An account's confirmation settings: the method and the operations it confirms. */
export const settingsSchema = {
  type: 'object',
  properties: {
    method: { type: 'string' },
    operations: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** `?wait=N`: seconds to long-poll; more than 30 waits 30. */
export const waitQuery = {
  type: 'object',
  properties: { wait: { type: 'string', pattern: '^[0-9]{1,4}$' } },
} as const;

/** The `Idempotency-Key` header. */
export const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', maxLength: 200 } },
} as const;

declare module 'fastify' {
  /** Documentation fields of a route schema, used for the OpenAPI description. */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
  }
}
