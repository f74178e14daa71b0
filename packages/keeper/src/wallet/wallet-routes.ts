import type { FastifyInstance } from 'fastify';
import { requireUser } from '../auth/sessions.js';
import { CURRENCIES, formatAmount } from '../ledger/money.js';
import type { KeeperServices } from '../services.js';
import { pursesOf } from '../transfers/transfer-routes.js';
import { transferView } from '../transfers/transfer-view.js';

/** The wallet (id, purses, balances, confirmation setting) and its history. */
export async function walletRoutes(app: FastifyInstance, services: KeeperServices): Promise<void> {
  app.get('/api/wallet', async (request) => {
    const user = await requireUser(services, request);
    const accounts = await services.db
      .selectFrom('accounts')
      .select(['id', 'currency', 'balance'])
      .where('user_id', '=', user.id)
      .execute();
    return {
      walletId: user.wallet_id,
      email: user.email,
      confirmation: { method: user.confirmation, phone: user.sms_phone },
      purses: CURRENCIES.flatMap((currency) => {
        const account = accounts.find((a) => a.currency === currency.letter);
        return account
          ? [
              {
                purse: account.id,
                currency: currency.letter,
                currencyCode: currency.code,
                balance: formatAmount(account.balance),
              },
            ]
          : [];
      }),
    };
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>(
    '/api/transfers',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
            before: { type: 'string', pattern: '^[0-9]{1,15}$' },
          },
        },
      },
    },
    async (request) => {
      const user = await requireUser(services, request);
      const purses = await pursesOf(services, user);
      const limit = Math.min(100, Math.max(1, Number(request.query.limit ?? 50)));
      const ids = [...purses];
      let query = services.db
        .selectFrom('transfers')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('from_account', 'in', ids),
            // A held transfer to the user is not theirs to see until it completes.
            eb.and([eb('to_account', 'in', ids), eb('status', '=', 'completed')]),
          ]),
        );
      if (request.query.before)
        query = query.where('created_at', '<', Number(request.query.before));
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return { transfers: rows.map((row) => transferView(row, purses)) };
    },
  );
}
