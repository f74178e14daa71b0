import { holdsNul } from '@cipherpad/http';
import type { FastifyInstance } from 'fastify';
import { KeeperError } from '../errors.js';
import type { KeeperServices } from '../services.js';
import { settleTransfer } from '../transfers/confirm-transfer.js';
import { verifyWebhookSignature } from './verify-webhook.js';

/**
 * `POST /webhooks/cipherpad`: Cipherpad reports that a confirmation left
 * `pending`. The signature is checked on the raw body before anything is
 * read; a transfer waiting on that confirmation is then committed or
 * cancelled (exactly once, however many times the webhook is delivered, and
 * whether or not the page's poll got there first). A webhook about any other
 * confirmation (a login, a settings change) is acknowledged and ignored:
 * those are settled by the page that waits for them.
 */
export async function webhookRoutes(app: FastifyInstance, services: KeeperServices): Promise<void> {
  await app.register(async (scope) => {
    // The raw body is what is signed: keep it as a string in this scope only.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/webhooks/cipherpad',
      {
        config: {
          csrfExempt:
            'called by Cipherpad, not a browser: authenticated by its HMAC signature over the body',
        },
      },
      async (request, reply) => {
        const secret = services.config.credentials?.webhookSecret;
        const body = typeof request.body === 'string' ? request.body : '';
        const header = request.headers['cipherpad-signature'];
        if (
          !secret ||
          !verifyWebhookSignature(
            typeof header === 'string' ? header : undefined,
            body,
            secret,
            services.clock.now(),
          )
        ) {
          throw new KeeperError('ERR_WEBHOOK_SIGNATURE');
        }
        let event: { type?: unknown; confirmation?: { id?: unknown; status?: unknown } };
        try {
          event = JSON.parse(body);
        } catch {
          throw new KeeperError('ERR_VALIDATION');
        }
        const id = event.confirmation?.id;
        const status = event.confirmation?.status;
        // Parsed here, not by the app: the check every other body gets applies here too.
        if (typeof id !== 'string' || typeof status !== 'string' || holdsNul(event))
          throw new KeeperError('ERR_VALIDATION');
        const transfer = await services.db
          .selectFrom('transfers')
          .select(['id'])
          .where('confirmation_id', '=', id)
          .where('confirmation', '=', 'cipherpad')
          .executeTakeFirst();
        if (transfer) {
          await settleTransfer(services, transfer.id, {
            status: status as 'pending' | 'confirmed' | 'denied' | 'expired' | 'failed',
          });
        }
        return reply.code(204).send();
      },
    );
  });
}
