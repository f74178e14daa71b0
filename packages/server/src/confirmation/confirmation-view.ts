import type { Kysely } from 'kysely';
import { challengeRows } from '../challenges/challenge-rows.js';
import { prepareQuery } from '../db/prepared-query.js';
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
} from '../sites/confirmation-operation.js';

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
  /**
   * While pending, what the person answers now: the challenge, its QR URI
   * and the number to match. Inline registration re-issues them
   * (`POST /v1/confirm-pages/:id/rebind`), so a site shows these, not the
   * ones of its `POST /v1/confirmations`.
   */
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
}

/** The columns {@link loadConfirmation} reads. */
const confirmationColumns = [
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
] as const;

const confirmationById = prepareQuery<{ id: string }, ConfirmationRow>((db, p) =>
  db
    .selectFrom('confirmations as f')
    .innerJoin(challengeRows(db), 'c.id', 'f.id')
    .innerJoin('sites as s', 's.id', 'f.site_id')
    .select(confirmationColumns)
    .where('f.id', '=', p.id),
);

const confirmationOfSite = prepareQuery<{ id: string; siteId: string }, ConfirmationRow>((db, p) =>
  db
    .selectFrom('confirmations as f')
    .innerJoin(challengeRows(db), 'c.id', 'f.id')
    .innerJoin('sites as s', 's.id', 'f.site_id')
    .select(confirmationColumns)
    .where('f.id', '=', p.id)
    .where('f.site_id', '=', p.siteId),
);

/** Reads a confirmation, of one site when `siteId` is given. */
export async function loadConfirmation(
  db: Kysely<Database>,
  id: string,
  siteId?: string,
): Promise<ConfirmationRow | undefined> {
  const { rows } =
    siteId === undefined
      ? await confirmationById(db, { id })
      : await confirmationOfSite(db, { id, siteId });
  return rows[0];
}

/** What {@link confirmationView} needs of a confirmation and its challenge. */
export type ConfirmationViewFields = Pick<
  ConfirmationRow,
  | 'id'
  | 'status'
  | 'mode'
  | 'expires_at'
  | 'completed_at'
  | 'device_id'
  | 'method'
  | 'kind'
  | 'operation_name'
  | 'description'
  | 'note'
  | 'amount'
  | 'currency'
  | 'purse'
>;

/** The status a site sees: a pending confirmation past its expiry is `expired`. */
export function currentStatus(
  row: Pick<ConfirmationRow, 'status' | 'expires_at'>,
  now: number,
): ConfirmationStatus {
  return row.status === 'pending' && now >= row.expires_at ? 'expired' : row.status;
}

/** What the operation of a stored confirmation was. */
export function operationOf(row: ConfirmationViewFields): ConfirmationOperation {
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
export function confirmationView(row: ConfirmationViewFields, now: number): ConfirmationView {
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
    challenge: { type: 'string' },
    uri: { type: 'string' },
    matchNumber: { type: 'string' },
  },
} as const;
