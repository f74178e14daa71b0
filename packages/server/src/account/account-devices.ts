import { runTransaction } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { recordEvent } from '../audit/record-event.js';
import type { Database, DeviceStatus } from '../db/schema.js';
import { forgetSigningKey } from '../devices/device-auth.js';
import { ServiceError } from '../errors/service-error.js';
import { accountTopic } from '../events/event-bus.js';
import type { Services } from '../services.js';

/** A device of the account, as the security site lists it. */
export interface DeviceView {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly status: DeviceStatus;
  readonly createdAt: number;
  /** When it last confirmed a login, or null if never. */
  readonly lastUsedAt: number | null;
}

/** The longest device name. */
export const MAX_DEVICE_NAME = 64;

/**
 * The devices of an account, newest first. `lastUsedAt` comes from the
 * activity log (the last login the device confirmed), read through its
 * account index, so logins write nothing more for it.
 */
export async function listDevices(services: Services, accountId: string): Promise<DeviceView[]> {
  const { db } = services;
  const [devices, used] = await Promise.all([
    db
      .selectFrom('devices')
      .select(['id', 'name', 'kind', 'status', 'created_at'])
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('audit_events')
      .select(['device_id', (eb) => eb.fn.max('created_at').as('last')])
      .where('account_id', '=', accountId)
      .where('type', '=', 'login.succeeded')
      .groupBy('device_id')
      .execute(),
  ]);
  const lastUsed = new Map(used.map((row) => [row.device_id, Number(row.last)]));
  return devices.map((device) => ({
    id: device.id,
    name: device.name,
    kind: device.kind,
    status: device.status,
    createdAt: device.created_at,
    lastUsedAt: lastUsed.get(device.id) ?? null,
  }));
}

async function deviceOf(services: Services, accountId: string, id: string): Promise<DeviceView> {
  const device = (await listDevices(services, accountId)).find((row) => row.id === id);
  if (!device) throw new ServiceError('ERR_DEVICE_NOT_FOUND');
  return device;
}

/**
 * Renames a device of the account (1 to 64 characters, trimmed). The account's open apps hear
 * of it (`device-renamed` on their event stream), so the renamed one shows its new name.
 *
 * @throws ServiceError `ERR_VALIDATION`, `ERR_DEVICE_NOT_FOUND`.
 */
export async function renameDevice(
  services: Services,
  who: { accountId: string; email: string },
  id: string,
  name: unknown,
  ip: string,
): Promise<DeviceView> {
  const { db, clock } = services;
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '' || [...trimmed].length > MAX_DEVICE_NAME || /[\p{Cc}\p{Cf}]/u.test(trimmed)) {
    throw new ServiceError('ERR_VALIDATION', {}, 'name must be 1 to 64 visible characters.');
  }
  await runTransaction(db, async (trx) => {
    const renamed = await trx
      .updateTable('devices')
      .set({ name: trimmed })
      .where('id', '=', id)
      .where('account_id', '=', who.accountId)
      .executeTakeFirst();
    if (renamed.numUpdatedRows === 0n) throw new ServiceError('ERR_DEVICE_NOT_FOUND');
    await recordEvent(trx, {
      accountId: who.accountId,
      type: 'device.renamed',
      ip,
      deviceId: id,
      details: { name: trimmed },
      at: clock.now(),
    });
  });
  services.events.publish(accountTopic(who.email), {
    type: 'device-renamed',
    device: { id, name: trimmed },
  });
  return deviceOf(services, who.accountId, id);
}

/**
 * Deactivates a device of the account: it can no longer answer challenges,
 * approve or sign requests; its key is forgotten from memory (the sealed key
 * stays in its row, unusable since the device is not active), its sessions
 * end, and the person is told by email. Deactivating a deactivated device
 * changes nothing.
 *
 * `authorise` runs first in its transaction and throws to refuse: it uses
 * the confirmation of deactivating this device, given with an activated
 * device (or the SMS code), so a session alone cannot remove the owner's
 * authenticators.
 *
 * @throws ServiceError `ERR_DEVICE_NOT_FOUND`, and what `authorise` throws.
 */
export async function deactivateDevice(
  services: Services,
  who: { accountId: string; email: string },
  id: string,
  ip: string,
  authorise: (trx: Kysely<Database>) => Promise<void>,
): Promise<DeviceView> {
  const { db, clock, delivery, deviceKeys } = services;
  const now = clock.now();
  const changed = await runTransaction(db, async (trx) => {
    await authorise(trx);
    const device = await trx
      .selectFrom('devices')
      .select(['name', 'status'])
      .where('id', '=', id)
      .where('account_id', '=', who.accountId)
      .executeTakeFirst();
    if (!device) throw new ServiceError('ERR_DEVICE_NOT_FOUND');
    const deactivated = await trx
      .updateTable('devices')
      .set({ status: 'deactivated' })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (deactivated.numUpdatedRows === 0n) return false;
    // Its sessions end with it: authenticate() refuses a session of a device
    // that is not active, and the retention sweep deletes them once expired
    // (deleting them here would read the whole sessions table).
    await recordEvent(trx, {
      accountId: who.accountId,
      type: 'device.deactivated',
      ip,
      deviceId: id,
      details: { name: device.name },
      at: now,
    });
    await delivery.enqueue(trx, {
      channel: 'email',
      recipient: who.email,
      subject: 'A device was deactivated on your Cipherpad account',
      body: [
        `The device "${device.name}" was deactivated on your Cipherpad account from ${ip}.`,
        '',
        'If this was not you, sign in to your security settings at once and check your devices; if you cannot sign in any more, contact the operator of this Cipherpad service.',
      ].join('\n'),
    });
    return true;
  });
  if (changed) {
    deviceKeys.forget(id);
    forgetSigningKey(id);
    services.events.publish(accountTopic(who.email), { type: 'revoked', deviceId: id });
    delivery.kick();
  }
  return deviceOf(services, who.accountId, id);
}
