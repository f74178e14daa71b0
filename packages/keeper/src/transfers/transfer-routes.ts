import type { FastifyInstance } from 'fastify';
import { waitSeconds } from '../auth/login-routes.js';
import { requireUser } from '../auth/sessions.js';
import { prepareQuery } from '../db/database.js';
import { KeeperError } from '../errors.js';
import { createTransfer, type Transfer } from '../ledger/create-transfer.js';
import { currencyOf, parseAmount } from '../ledger/money.js';
import type { KeeperServices } from '../services.js';
import type { User } from '../wallet/open-wallet.js';
import { purseOf, resolveRecipient } from '../wallet/resolve-recipient.js';
import { cancelHeldTransfer } from './cancel-held-transfer.js';
import { confirmWithResponse, refreshTransfer, requestConfirmation } from './confirm-transfer.js';
import { transferView } from './transfer-view.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const purseIdsOf = prepareQuery((db, p: { userId: string }) =>
  db.selectFrom('accounts').select('id').where('user_id', '=', p.userId),
);

/** The user's purse ids. */
export async function pursesOf(services: KeeperServices, user: User): Promise<Set<string>> {
  const { rows } = await purseIdsOf(services.db, { userId: user.id });
  return new Set(rows.map((row) => row.id));
}

/** A transfer, with the owners of its two accounts (null for an issuer). */
const transferWithOwners = prepareQuery((db, p: { id: string }) =>
  db
    .selectFrom('transfers')
    .innerJoin('accounts as payer', 'payer.id', 'transfers.from_account')
    .innerJoin('accounts as payee', 'payee.id', 'transfers.to_account')
    .selectAll('transfers')
    .select(['payer.user_id as payer_user_id', 'payee.user_id as payee_user_id'])
    .where('transfers.id', '=', p.id),
);

/**
 * A transfer the user paid or received; anyone else's is "not found". With
 * it, which of its two purses are the user's (what `transferView` needs to
 * tell money out from money in), all in one query.
 */
async function ownTransfer(services: KeeperServices, user: User, id: string) {
  const [row] = (await transferWithOwners(services.db, { id })).rows;
  if (!row) throw new KeeperError('ERR_TRANSFER_NOT_FOUND');
  const { payer_user_id, payee_user_id, ...transfer } = row;
  const purses = new Set<string>();
  if (payer_user_id === user.id) purses.add(transfer.from_account);
  if (payee_user_id === user.id) purses.add(transfer.to_account);
  if (purses.size === 0) throw new KeeperError('ERR_TRANSFER_NOT_FOUND');
  return { transfer, purses };
}

/**
 * The transfer API behind the wallet page (and the benchmark): create (with
 * an optional `Idempotency-Key`), read, confirm with a typed response or SMS
 * code, long-poll the status (which also resumes a held transfer after a
 * reload: its view carries the challenge while the confirmation is pending),
 * cancel while held (idempotent; never a completed transfer).
 */
export async function transferRoutes(
  app: FastifyInstance,
  services: KeeperServices,
): Promise<void> {
  app.post<{
    Body: { currency: string; to: string; amount: string; note?: string };
    Headers: { 'idempotency-key'?: string };
  }>(
    '/api/transfers',
    {
      schema: {
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' } },
        },
        body: {
          type: 'object',
          required: ['currency', 'to', 'amount'],
          additionalProperties: false,
          properties: {
            currency: { type: 'string', enum: ['Z', 'E', 'R'] },
            to: { type: 'string', minLength: 1, maxLength: 254 },
            amount: { type: 'string', maxLength: 32 },
            note: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const user = await requireUser(services, request);
      const { currency, to } = request.body;
      if (!currencyOf(currency)) throw new KeeperError('ERR_VALIDATION');
      const amount = parseAmount(request.body.amount);
      const note = (request.body.note ?? '').trim();
      const now = services.clock.now();
      const [from] = (await purseOf(services.db, { userId: user.id, currency })).rows;
      if (!from) throw new KeeperError('ERR_PURSE_NOT_FOUND');
      const recipient = await resolveRecipient(services.db, to, currency, {
        now,
        demoBalance: services.config.env === 'development' ? services.config.demoBalance : 0,
      });
      const created = await createTransfer(services.db, {
        userId: user.id,
        from: from.id,
        to: recipient.purse,
        amount,
        note,
        recipientEmail: recipient.email,
        idempotencyKey: request.headers['idempotency-key'] ?? null,
        hold: user.confirmation,
        now,
      });
      let transfer: Transfer = created.transfer;
      if (transfer.status === 'held')
        transfer = await requestConfirmation(services, user, transfer);
      const view = transferView(transfer, new Set([from.id]));
      return reply.code(created.replayed ? 200 : 201).send(view);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/transfers/:id',
    { schema: { params: idParams } },
    async (request) => {
      const user = await requireUser(services, request);
      const { transfer, purses } = await ownTransfer(services, user, request.params.id);
      return transferView(transfer, purses);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { wait?: string } }>(
    '/api/transfers/:id/status',
    {
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          properties: { wait: { type: 'string', pattern: '^[0-9]{1,2}$' } },
        },
      },
    },
    async (request) => {
      const user = await requireUser(services, request);
      const { transfer, purses } = await ownTransfer(services, user, request.params.id);
      const payer = purses.has(transfer.from_account);
      const current = payer
        ? await refreshTransfer(services, transfer, waitSeconds(request.query))
        : transfer;
      return transferView(current, purses);
    },
  );

  app.post<{ Params: { id: string }; Body: { response: string } }>(
    '/api/transfers/:id/confirm',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['response'],
          additionalProperties: false,
          properties: { response: { type: 'string', minLength: 1, maxLength: 32 } },
        },
      },
    },
    async (request) => {
      const user = await requireUser(services, request);
      const { transfer, purses } = await ownTransfer(services, user, request.params.id);
      if (!purses.has(transfer.from_account)) throw new KeeperError('ERR_TRANSFER_NOT_FOUND');
      const settled = await confirmWithResponse(
        services,
        transfer,
        request.body.response,
        request.ip,
      );
      return transferView(settled, purses);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/transfers/:id/cancel',
    { schema: { params: idParams } },
    async (request) => {
      const user = await requireUser(services, request);
      const { transfer, purses } = await ownTransfer(services, user, request.params.id);
      if (!purses.has(transfer.from_account)) throw new KeeperError('ERR_TRANSFER_NOT_FOUND');
      return transferView(await cancelHeldTransfer(services, transfer), purses);
    },
  );
}
