import { cancelTransfer } from '../ledger/settle-transfer.js';
import type { KeeperServices } from '../services.js';
import { refreshTransfer } from './confirm-transfer.js';

/**
 * Settles held transfers nobody is waiting on any more (the page was
 * closed, a webhook was lost): those whose confirmation has expired are
 * asked about once more and committed or cancelled; one that never got its
 * confirmation (Cipherpad was down at the time) is cancelled after a minute.
 *
 * @returns how many transfers it looked at.
 */
export async function sweepHeldTransfers(services: KeeperServices): Promise<number> {
  const now = services.clock.now();
  const stale = await services.db
    .selectFrom('transfers')
    .selectAll()
    .where('status', '=', 'held')
    .where((eb) =>
      eb.or([
        eb.and([eb('confirmation_id', 'is not', null), eb('expires_at', '<', now - 5_000)]),
        eb.and([eb('confirmation_id', 'is', null), eb('created_at', '<', now - 60_000)]),
      ]),
    )
    .limit(100)
    .execute();
  for (const transfer of stale) {
    try {
      if (!transfer.confirmation_id)
        await cancelTransfer(services.db, transfer.id, 'confirmation_unavailable');
      else await refreshTransfer(services, transfer);
    } catch (error) {
      services.log.warn({ err: error, transfer: transfer.id }, 'cannot settle a held transfer yet');
    }
  }
  return stale.length;
}
