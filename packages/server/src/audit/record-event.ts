import type { Kysely } from 'kysely';
import { prepareQuery } from '../db/prepared-query.js';
import type { Database } from '../db/schema.js';

/** What the activity log records. Never a secret, code or response. */
export interface AuditEvent {
  readonly accountId: string | null;
  readonly type:
    | 'registration.completed'
    | 'device.activated'
    | 'activation.failed'
    | 'login.succeeded'
    | 'login.failed'
    | 'login.denied'
    | 'account.blocked'
    | 'account.locked'
    | 'account.unblocked'
    | 'activation.resent'
    | 'activation.qr-issued'
    | 'device.renamed'
    | 'device.deactivated'
    | 'device.operation-confirmed'
    | 'confirmation.changed'
    | 'confirmation.failed'
    | 'confirmation.succeeded'
    | 'site.consented'
    | 'site.consent_withdrawn';
  readonly ip: string | null;
  readonly deviceId?: string | null;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  readonly at: number;
}

/** Appends an event to the account's activity log, in the caller's transaction. */
export async function recordEvent(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await insertEvent(db, {
    accountId: event.accountId,
    type: event.type,
    ip: event.ip,
    deviceId: event.deviceId ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
    at: event.at,
  });
}

const insertEvent = prepareQuery<
  {
    accountId: string | null;
    type: string;
    ip: string | null;
    deviceId: string | null;
    details: string | null;
    at: number;
  },
  never
>((db, p) =>
  db.insertInto('audit_events').values({
    account_id: p.accountId,
    type: p.type,
    ip: p.ip,
    device_id: p.deviceId,
    details: p.details,
    created_at: p.at,
  }),
);
