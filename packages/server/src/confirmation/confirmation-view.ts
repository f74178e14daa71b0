import type { Kysely } from 'kysely';
import type {
  ChallengeMode,
  ChallengeStatus,
  ConfirmationKind,
  ConfirmationStatus,
  Database,
} from '../db/schema.js';
import {
  type ConfirmationOperation,
  operationSchema,
  storedOperation,
} from './confirmation-operation.js';

/** A confirmation with its challenge and its site, as read by one query. */
export interface ConfirmationRow {
  id: string;
  site_id: string;
  site_name: string;
  email: string;
  kind: ConfirmationKind;
  operation_name: string | null;
  description: string | null;
  note: string | null;
  status: ConfirmationStatus;
  method: 'response' | 'approval' | null;
  device_id: string | null;
  created_at: number;
  completed_at: number | null;
  account_id: string | null;
  mode: ChallengeMode;
  challenge: string;
  amount: string | null;
  purse: string | null;
  currency: string | null;
  challenge_status: ChallengeStatus;
  expires_at: number;
  match_number: string | null;
}

/** A confirmation as its site sees it (`GET /v1/confirmations/:id`, webhooks). */
export interface ConfirmationView {
  readonly id: string;
  readonly status: ConfirmationStatus;
  readonly mode: ChallengeMode;
  readonly operation: ConfirmationOperation;
  readonly expiresAt: number;
  readonly confirmedAt?: number;
  readonly deviceId?: string;
  readonly method?: 'response' | 'approval';
}

/** Reads a confirmation, of one site when `siteId` is given. */
export async function loadConfirmation(
  db: Kysely<Database>,
  id: string,
  siteId?: string,
): Promise<ConfirmationRow | undefined> {
  let query = db
    .selectFrom('confirmations as f')
    .innerJoin('challenges as c', 'c.id', 'f.id')
    .innerJoin('sites as s', 's.id', 'f.site_id')
    .select([
      'f.id',
      'f.site_id',
      's.name as site_name',
      'f.email',
      'f.kind',
      'f.operation_name',
      'f.description',
      'f.note',
      'f.status',
      'f.method',
      'f.device_id',
      'f.created_at',
      'f.completed_at',
      'c.account_id',
      'c.mode',
      'c.challenge',
      'c.amount',
      'c.purse',
      'c.currency',
      'c.status as challenge_status',
      'c.expires_at',
      'c.match_number',
    ])
    .where('f.id', '=', id);
  if (siteId !== undefined) query = query.where('f.site_id', '=', siteId);
  return query.executeTakeFirst();
}

/** The status a site sees: a pending confirmation past its expiry is `expired`. */
export function currentStatus(row: ConfirmationRow, now: number): ConfirmationStatus {
  return row.status === 'pending' && now >= row.expires_at ? 'expired' : row.status;
}

/** What the operation of a stored confirmation was. */
export function operationOf(row: ConfirmationRow): ConfirmationOperation {
  return storedOperation({
    kind: row.kind,
    operation_name: row.operation_name,
    description: row.description,
    amount: row.amount,
    currency: row.currency,
    purse: row.purse,
    note: row.note,
  });
}

/** The site's view of a confirmation. */
export function confirmationView(row: ConfirmationRow, now: number): ConfirmationView {
  const status = currentStatus(row, now);
  return {
    id: row.id,
    status,
    mode: row.mode,
    operation: operationOf(row),
    expiresAt: row.expires_at,
    ...(status === 'confirmed' && row.completed_at !== null
      ? { confirmedAt: row.completed_at }
      : {}),
    ...(status === 'confirmed' && row.device_id !== null ? { deviceId: row.device_id } : {}),
    ...(status === 'confirmed' && row.method !== null ? { method: row.method } : {}),
  };
}

/** The JSON schema of {@link ConfirmationView}. */
export const confirmationViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'confirmed', 'denied', 'expired', 'failed'] },
    mode: { type: 'string', enum: ['authorization', 'payment'] },
    operation: operationSchema,
    expiresAt: { type: 'number' },
    confirmedAt: { type: 'number' },
    deviceId: { type: 'string' },
    method: { type: 'string', enum: ['response', 'approval'] },
  },
} as const;
