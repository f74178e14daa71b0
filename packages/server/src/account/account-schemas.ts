/** JSON schemas the account's routes share. */

/** A started confirmation: its id and what to show the person (a challenge, or the SMS channel). */
export const startedSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    channel: { type: 'string' },
    challenge: { type: 'string' },
    uri: { type: 'string' },
    matchNumber: { type: 'string' },
    waitToken: { type: 'string' },
    expiresAt: { type: 'number' },
  },
} as const;

/** An id in a body: the service's ids are lower-case hex. */
export const idString = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[0-9a-f]+$',
} as const;
