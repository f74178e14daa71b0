import type {
  ConfirmationMethod,
  ConfirmationSettings,
  Operation,
} from '../accounts/confirmable-operations.js';
import type { ConfirmationChangeTable } from '../db/schema.js';
import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/**
 * An operation on the account that the person confirms with an activated
 * device (or, with none left, the SMS code to the registered phone): a change
 * of the confirmation settings, showing an activation code for another
 * device, or deactivating a device. The last two are confirmed whatever the
 * confirmation settings say: whoever adds or removes a device holds the
 * account (PSD2 RTS Art. 4 and 22, NIST SP 800-63B §6.1.2.1: binding a new
 * authenticator needs the person authenticated with an existing one).
 */
export type AccountOperation =
  | {
      readonly kind: 'settings';
      readonly method: ConfirmationMethod;
      readonly operations: readonly Operation[];
    }
  | { readonly kind: 'show-activation' }
  | { readonly kind: 'deactivate-device'; readonly deviceId: string; readonly deviceName: string };

/** The kinds of {@link AccountOperation}, as the `operation` of a confirmation row. */
export type AccountOperationKind = AccountOperation['kind'];

/** The device operations a confirmation can be asked for (`POST /v1/account/confirmations`). */
export const DEVICE_OPERATIONS = ['show-activation', 'deactivate-device'] as const;

/** One of {@link DEVICE_OPERATIONS}. */
export type DeviceOperationKind = (typeof DEVICE_OPERATIONS)[number];

/** The confirmation row that a verification claims. */
export type Change = Pick<
  ConfirmationChangeTable,
  'id' | 'channel' | 'method' | 'operations' | 'target'
> & { operation: string };

/** What a verified confirmation did: a settings change applied, or a device operation confirmed. */
export type VerifiedConfirmation =
  | { readonly kind: 'settings'; readonly settings: ConfirmationSettings }
  | {
      readonly kind: DeviceOperationKind;
      readonly deviceId: string | null;
      /** The confirmation must be used by then (`policy.confirmedOperationTtlMs`). */
      readonly usableUntil: number;
    };

/**
 * What the app shows as the operation being confirmed: the name it knows
 * (docs/web-api.md, "The app's side"); for a settings change, the method and
 * operations it asks for, and for a device, the device's name. The pending
 * list reads the same back from the row (`challenges/pending-requests.ts`).
 */
export function operationShown(operation: AccountOperation): {
  readonly type: 'operation';
  readonly name: string;
  readonly description?: string;
  readonly settings?: { readonly method: string; readonly operations: readonly string[] };
} {
  switch (operation.kind) {
    case 'settings':
      return {
        type: 'operation',
        name: 'security-settings',
        settings: { method: operation.method, operations: operation.operations },
      };
    case 'show-activation':
      return { type: 'operation', name: 'add-device' };
    case 'deactivate-device':
      return { type: 'operation', name: 'deactivate-device', description: operation.deviceName };
  }
}

/** The SMS that carries the code, naming the operation it confirms. */
export function smsText(operation: AccountOperation, code: string): string {
  const what =
    operation.kind === 'settings'
      ? 'change your confirmation settings'
      : operation.kind === 'show-activation'
        ? 'add a new device'
        : `deactivate the device "${operation.deviceName}"`;
  return `Cipherpad: your code to ${what} is ${code}. It is valid for 5 minutes. Never tell it to anyone.`;
}

/**
 * Reads the operation asked for in `POST /v1/account/confirmations`; a device
 * to deactivate must be one of the account's.
 *
 * @throws ServiceError `ERR_VALIDATION`, `ERR_DEVICE_NOT_FOUND`.
 */
export async function parseDeviceOperation(
  services: Services,
  accountId: string,
  input: { operation?: unknown; deviceId?: unknown },
): Promise<AccountOperation> {
  if (input.operation === 'show-activation') return { kind: 'show-activation' };
  if (input.operation !== 'deactivate-device') {
    throw new ServiceError(
      'ERR_VALIDATION',
      {},
      `operation must be one of ${DEVICE_OPERATIONS.join(', ')}.`,
    );
  }
  if (typeof input.deviceId !== 'string' || input.deviceId === '') {
    throw new ServiceError('ERR_VALIDATION', {}, 'deviceId is required to deactivate a device.');
  }
  const device = await services.db
    .selectFrom('devices')
    .select(['id', 'name'])
    .where('id', '=', input.deviceId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!device) throw new ServiceError('ERR_DEVICE_NOT_FOUND');
  return { kind: 'deactivate-device', deviceId: device.id, deviceName: device.name };
}
