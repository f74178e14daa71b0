import type { PurposeHooks } from '../events/challenge-hooks.js';
import type { Services } from '../services.js';
import { approveConfirmation } from './approve-confirmation.js';
import { settleConfirmation } from './settle-confirmation.js';

/**
 * What a relying site's confirmation does when its challenge settles, in the
 * settling transaction: its `confirmations` row changes with the challenge
 * and the site's webhook call is written with it. Registered for the
 * `confirmation` purpose where the services are composed (`start-service.ts`).
 */
export function confirmationHooks(services: Services): PurposeHooks {
  return {
    failed: async (trx, id, now) => {
      await settleConfirmation(trx, id, { status: 'failed' }, now);
    },
    denied: async (trx, id, now) => {
      await settleConfirmation(trx, id, { status: 'denied' }, now);
    },
    approved: approveConfirmation,
    settled: () => services.webhooks.kick(),
  };
}
