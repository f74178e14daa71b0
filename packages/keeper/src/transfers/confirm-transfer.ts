import type { ConfirmationState } from '../cipherpad/cipherpad-client.js';
import { prepareQuery } from '../db/database.js';
import { KeeperError } from '../errors.js';
import type { Transfer } from '../ledger/create-transfer.js';
import { cipherpadAmount, currencyOf } from '../ledger/money.js';
import { cancelTransfer, commitTransfer, getTransfer } from '../ledger/settle-transfer.js';
import { withinWrongAnswerLimit } from '../limits/wrong-answer-limit.js';
import type { KeeperServices } from '../services.js';
import type { User } from '../wallet/open-wallet.js';

/** The payment a held transfer asks Cipherpad (or the SMS) to confirm. */
function paymentOf(transfer: Transfer) {
  return {
    type: 'payment' as const,
    amount: cipherpadAmount(transfer.amount),
    currency: currencyOf(transfer.currency)?.code ?? transfer.currency,
    purse: transfer.to_account,
    ...(transfer.note ? { note: transfer.note.slice(0, 200) } : {}),
  };
}

/** Records the SMS confirmation asked for a held transfer; answers the transfer as it now stands. */
const recordSmsConfirmation = prepareQuery(
  (db, p: { id: string; confirmationId: string; expiresAt: number }) =>
    db
      .updateTable('transfers')
      .set({ confirmation_id: p.confirmationId, expires_at: p.expiresAt })
      .where('id', '=', p.id)
      .returningAll(),
);

/**
 * Records the Cipherpad confirmation asked for a held transfer (what the
 * payer's page shows); answers the transfer as it now stands.
 */
const recordConfirmation = prepareQuery(
  (
    db,
    p: {
      id: string;
      confirmationId: string;
      challenge: string;
      uri: string;
      matchNumber: string;
      expiresAt: number;
      confirmUrl: string | null;
    },
  ) =>
    db
      .updateTable('transfers')
      .set({
        confirmation_id: p.confirmationId,
        challenge: p.challenge,
        uri: p.uri,
        match_number: p.matchNumber,
        expires_at: p.expiresAt,
        confirm_url: p.confirmUrl,
      })
      .where('id', '=', p.id)
      .returningAll(),
);

/**
 * Records what a held transfer's confirmation asks now, after Cipherpad
 * re-issued it (inline registration): only while held, only if it changed.
 */
const recordReissue = prepareQuery(
  (db, p: { id: string; challenge: string; uri: string; matchNumber: string; expiresAt: number }) =>
    db
      .updateTable('transfers')
      .set({
        challenge: p.challenge,
        uri: p.uri,
        match_number: p.matchNumber,
        expires_at: p.expiresAt,
      })
      .where('id', '=', p.id)
      .where('status', '=', 'held')
      .returningAll(),
);

/**
 * Asks for the confirmation of a held transfer: a Payment-mode confirmation
 * of Cipherpad for the payer's email, or an SMS code to the payer's phone,
 * for exactly this amount and recipient purse. The transfer's id is the
 * idempotency key, so asking again (a retried request) gets the same
 * confirmation. When it cannot be asked, the transfer is cancelled (no money
 * moved) and the refusal is passed on.
 */
export async function requestConfirmation(
  services: KeeperServices,
  user: User,
  transfer: Transfer,
): Promise<Transfer> {
  if (transfer.status !== 'held' || transfer.confirmation_id) return transfer;
  const key = `keeper-transfer-${transfer.id}`;
  let recorded: Transfer | undefined;
  try {
    if (transfer.confirmation === 'sms') {
      if (!user.sms_phone) throw new KeeperError('ERR_PHONE_INVALID');
      const sms = await services.cipherpad.createSmsConfirmation(
        user.sms_phone,
        paymentOf(transfer),
        key,
      );
      [recorded] = (
        await recordSmsConfirmation(services.db, {
          id: transfer.id,
          confirmationId: sms.id,
          expiresAt: sms.expiresAt,
        })
      ).rows;
    } else {
      const created = await services.cipherpad.createConfirmation(
        user.email,
        paymentOf(transfer),
        key,
      );
      [recorded] = (
        await recordConfirmation(services.db, {
          id: transfer.id,
          confirmationId: created.id,
          challenge: created.challenge,
          uri: created.uri,
          matchNumber: String(created.matchNumber),
          expiresAt: created.expiresAt,
          confirmUrl: created.confirmUrl ?? null,
        })
      ).rows;
    }
  } catch (error) {
    await cancelTransfer(services.db, transfer.id, 'confirmation_unavailable');
    throw error;
  }
  return recorded ?? getTransfer(services.db, transfer.id);
}

/**
 * Applies what Cipherpad says about a held transfer's confirmation:
 * `confirmed` commits it (exactly once, whoever reports it first: the
 * page's poll, a typed response, a webhook or the sweeper), `denied`,
 * `expired` and `failed` cancel it with no money moved, `pending` changes
 * nothing.
 */
export async function settleTransfer(
  services: KeeperServices,
  transferId: string,
  state: Pick<ConfirmationState, 'status'>,
): Promise<Transfer> {
  switch (state.status) {
    case 'confirmed':
      return commitTransfer(services.db, transferId, services.clock.now());
    case 'denied':
    case 'expired':
    case 'failed':
      return cancelTransfer(services.db, transferId, state.status);
    default:
      return getTransfer(services.db, transferId);
  }
}

/**
 * Asks Cipherpad where a held transfer's confirmation stands (long-polling
 * up to `wait` s) and applies it. A confirmation still pending whose
 * challenge, number or expiry changed (the payer registered inline on
 * Cipherpad's page, which re-issues them) is recorded, so the payer's page
 * shows what works now; the long poll is told the challenge shown and
 * answers at once when it is no longer the current one.
 */
export async function refreshTransfer(
  services: KeeperServices,
  transfer: Transfer,
  wait = 0,
): Promise<Transfer> {
  if (transfer.status !== 'held' || !transfer.confirmation_id) return transfer;
  if (transfer.confirmation === 'sms') {
    const sms = await services.cipherpad.getSmsConfirmation(transfer.confirmation_id, wait);
    return settleTransfer(services, transfer.id, sms);
  }
  const state = await services.cipherpad.getConfirmation(
    transfer.confirmation_id,
    wait,
    transfer.challenge ?? undefined,
  );
  if (
    state.status === 'pending' &&
    state.challenge &&
    state.uri &&
    state.matchNumber &&
    state.expiresAt &&
    (state.challenge !== transfer.challenge ||
      state.uri !== transfer.uri ||
      state.matchNumber !== transfer.match_number ||
      state.expiresAt !== transfer.expires_at)
  ) {
    const [recorded] = (
      await recordReissue(services.db, {
        id: transfer.id,
        challenge: state.challenge,
        uri: state.uri,
        matchNumber: state.matchNumber,
        expiresAt: state.expiresAt,
      })
    ).rows;
    if (recorded) return recorded;
  }
  return settleTransfer(services, transfer.id, state);
}

/** Codes after which the confirmation can no longer succeed: the transfer is settled from its status. */
const OVER = new Set(['ERR_CHALLENGE_EXPIRED', 'ERR_CHALLENGE_CLOSED', 'ERR_CODE_EXPIRED']);

/**
 * Sends the payer's typed response (Payment mode) or SMS code to Cipherpad;
 * on success the transfer is committed. A response made for another amount
 * or purse is refused by Cipherpad like any wrong response, and that
 * refusal is passed on (with the attempts left). Each answer counts against
 * the wrong answers allowed to the client `address`.
 */
export async function confirmWithResponse(
  services: KeeperServices,
  transfer: Transfer,
  response: string,
  address: string,
): Promise<Transfer> {
  if (transfer.status !== 'held' || !transfer.confirmation_id) {
    throw new KeeperError('ERR_TRANSFER_CLOSED');
  }
  const typed = response.replace(/[\s-]/g, '');
  try {
    const confirmationId = transfer.confirmation_id;
    const state = await withinWrongAnswerLimit(services, address, () =>
      transfer.confirmation === 'sms'
        ? services.cipherpad.verifySmsConfirmation(confirmationId, typed)
        : services.cipherpad.verifyConfirmation(confirmationId, typed),
    );
    return await settleTransfer(services, transfer.id, state);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const attemptsLeft = (error as { details?: { attemptsLeft?: unknown } }).details?.attemptsLeft;
    if ((code && OVER.has(code)) || attemptsLeft === 0) {
      await refreshTransfer(services, transfer).catch(() => undefined);
    }
    throw error;
  }
}
