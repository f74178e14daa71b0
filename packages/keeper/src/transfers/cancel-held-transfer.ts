import { KeeperError } from '../errors.js';
import type { Transfer } from '../ledger/create-transfer.js';
import { cancelTransfer } from '../ledger/settle-transfer.js';
import type { KeeperServices } from '../services.js';
import { refreshTransfer } from './confirm-transfer.js';

/**
 * The payer withdraws a transfer that waits for its confirmation (from the
 * confirmation window, or from the history after a reload). A held transfer
 * reserves nothing (its amount is checked at creation and again at commit),
 * so cancelling it ends the hold: no money has moved and none will.
 *
 * Cipherpad is asked first where the confirmation stands, so one already
 * confirmed in the app is committed rather than withdrawn; when Cipherpad
 * does not answer, the transfer is cancelled all the same (the payer may
 * always withdraw). Cipherpad's confirmation API has no cancellation: the
 * confirmation is left to expire, and a confirmation that still arrives
 * finds the transfer cancelled and moves nothing (the commit claims only a
 * held transfer). Idempotent: a transfer already cancelled, for whatever
 * reason, is answered as it is.
 *
 * @throws {KeeperError} `ERR_TRANSFER_CLOSED` when the transfer is completed,
 *   before or while this call ran: of a confirmation and a cancellation
 *   racing, exactly one wins.
 */
export async function cancelHeldTransfer(
  services: KeeperServices,
  transfer: Transfer,
): Promise<Transfer> {
  if (transfer.status === 'completed') throw new KeeperError('ERR_TRANSFER_CLOSED');
  if (transfer.status === 'cancelled') return transfer;
  let current = transfer;
  try {
    current = await refreshTransfer(services, transfer);
  } catch (error) {
    services.log.warn(
      { err: error, transfer: transfer.id },
      'cannot ask Cipherpad about a transfer being cancelled; cancelling it anyway',
    );
  }
  if (current.status === 'held') {
    current = await cancelTransfer(services.db, transfer.id, 'cancelled');
  }
  if (current.status === 'completed') throw new KeeperError('ERR_TRANSFER_CLOSED');
  return current;
}
