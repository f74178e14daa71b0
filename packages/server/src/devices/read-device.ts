import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';
import type { AuthenticatedDevice } from './device-auth.js';

/** A device as it sees itself (`GET /v1/device`): the name the person gave it may have changed. */
export interface OwnDevice {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly createdAt: number;
}

/**
 * The device behind a signed request, read afresh: the app takes its name from here when it
 * opens, since the person may have renamed it on the security site meanwhile.
 *
 * @throws ServiceError `ERR_DEVICE_AUTH` when the device is gone since its request was checked.
 */
export async function readDevice(services: Services, who: AuthenticatedDevice): Promise<OwnDevice> {
  const device = await services.db
    .selectFrom('devices')
    .select(['id', 'name', 'kind', 'created_at'])
    .where('id', '=', who.deviceId)
    .where('account_id', '=', who.accountId)
    .executeTakeFirst();
  if (!device) throw new ServiceError('ERR_DEVICE_AUTH');
  return { id: device.id, name: device.name, kind: device.kind, createdAt: device.created_at };
}
