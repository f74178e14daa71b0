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

declare module 'fastify' {
  /** Documentation fields of a route schema, used for the OpenAPI description. */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
  }
}
