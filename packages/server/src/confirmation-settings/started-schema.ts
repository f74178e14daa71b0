/**
 * A started confirmation of an account operation, as its routes answer it: its
 * id and what to show the person (a challenge, or the SMS channel).
 */
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
