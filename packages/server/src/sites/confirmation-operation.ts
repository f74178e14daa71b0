import { canonicalAmount, parsePurse } from '@cipherpad/core';
import { ALL_OPERATIONS, type Operation } from '../accounts/confirmable-operations.js';
import type { ChallengeMode, ConfirmationKind } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';

/** What a site asks to be confirmed, as the API shows it (docs/confirmation-api.md). */
export interface ConfirmationOperation {
  readonly type: ConfirmationKind;
  /** For `operation`: one of the operations of docs/web-api.md. */
  readonly name?: Operation;
  readonly description?: string;
  /** For `payment`: canonical amount, currency code, normalized purse, optional note. */
  readonly amount?: string;
  readonly currency?: string;
  readonly purse?: string;
  readonly note?: string;
}

const MAX_TEXT = 200;
// Shown to the person in the app, on the security site and in an SMS: no control or format characters.
const DISPLAY_TEXT = /^[^\p{Cc}\p{Cf}]*$/u;
const CURRENCY = /^[A-Za-z0-9]{1,16}$/;

/**
 * Reads and normalizes the `operation` of a confirmation request. `allowed`
 * lists the types the endpoint takes (SMS confirmations take no login).
 *
 * @throws ServiceError `ERR_VALIDATION`; core `ERR_AMOUNT_INVALID`, `ERR_PURSE_INVALID`.
 */
export function parseOperation(
  input: unknown,
  allowed: readonly ConfirmationKind[],
): ConfirmationOperation {
  if (typeof input !== 'object' || input === null) {
    throw new ServiceError('ERR_VALIDATION', {}, 'operation must be an object.');
  }
  const o = input as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== 'string' || !(allowed as readonly string[]).includes(type)) {
    throw new ServiceError(
      'ERR_VALIDATION',
      {},
      `operation.type must be one of ${allowed.map((t) => `"${t}"`).join(', ')}.`,
    );
  }
  if (type === 'login') return { type: 'login' };
  if (type === 'operation') {
    if (typeof o.name !== 'string' || !(ALL_OPERATIONS as readonly string[]).includes(o.name)) {
      throw new ServiceError(
        'ERR_VALIDATION',
        {},
        `operation.name must be one of ${ALL_OPERATIONS.join(', ')}.`,
      );
    }
    const description = optionalText(o.description, 'operation.description');
    return {
      type: 'operation',
      name: o.name as Operation,
      ...(description === undefined ? {} : { description }),
    };
  }
  if (typeof o.amount !== 'string' || typeof o.purse !== 'string') {
    throw new ServiceError('ERR_VALIDATION', {}, 'A payment needs amount and purse as strings.');
  }
  if (typeof o.currency !== 'string' || !CURRENCY.test(o.currency)) {
    throw new ServiceError(
      'ERR_VALIDATION',
      {},
      'operation.currency must be 1 to 16 letters or digits, as in WMZ.',
    );
  }
  const purse = parsePurse(o.purse);
  const note = optionalText(o.note, 'operation.note');
  return {
    type: 'payment',
    amount: canonicalAmount(o.amount),
    currency: o.currency.toUpperCase(),
    purse: `${purse.letter ?? ''}${purse.number}`,
    ...(note === undefined ? {} : { note }),
  };
}

/** Payment mode binds the response to the payment; everything else is Authorization mode. */
export function modeOf(operation: { readonly type: ConfirmationKind }): ChallengeMode {
  return operation.type === 'payment' ? 'payment' : 'authorization';
}

/** Rebuilds the operation from stored columns. */
export function storedOperation(row: {
  kind: ConfirmationKind;
  operation_name: string | null;
  description: string | null;
  amount: string | null;
  currency: string | null;
  purse: string | null;
  note: string | null;
}): ConfirmationOperation {
  if (row.kind === 'login') return { type: 'login' };
  if (row.kind === 'operation') {
    return {
      type: 'operation',
      name: (row.operation_name ?? 'login') as Operation,
      ...(row.description === null ? {} : { description: row.description }),
    };
  }
  return {
    type: 'payment',
    amount: row.amount ?? '',
    currency: row.currency ?? '',
    purse: row.purse ?? '',
    ...(row.note === null ? {} : { note: row.note }),
  };
}

/** The JSON schema of an operation in answers. */
export const operationSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['login', 'operation', 'payment'] },
    name: { type: 'string' },
    description: { type: 'string' },
    amount: { type: 'string' },
    currency: { type: 'string' },
    purse: { type: 'string' },
    note: { type: 'string' },
  },
} as const;

/** The JSON schema of an operation in requests (checked in full by {@link parseOperation}). */
export const operationInputSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', maxLength: 16 },
    name: { type: 'string', maxLength: 32 },
    description: { type: 'string', maxLength: MAX_TEXT },
    amount: { type: 'string', maxLength: 64 },
    currency: { type: 'string', maxLength: 16 },
    purse: { type: 'string', maxLength: 32 },
    note: { type: 'string', maxLength: MAX_TEXT },
  },
  additionalProperties: false,
} as const;

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT || !DISPLAY_TEXT.test(value)) {
    throw new ServiceError(
      'ERR_VALIDATION',
      {},
      `${field} must be text of at most ${MAX_TEXT} characters, without control characters.`,
    );
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
