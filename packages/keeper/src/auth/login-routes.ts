import { newId } from '@cipherpad/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KeeperError } from '../errors.js';
import { withinWrongAnswerLimit } from '../limits/wrong-answer-limit.js';
import type { KeeperServices } from '../services.js';
import { normalizeEmail, openWallet } from '../wallet/open-wallet.js';
import {
  closeSession,
  hashToken,
  LOGIN_COOKIE,
  newToken,
  openSession,
  readCookie,
  setCookie,
} from './sessions.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
const waitQuery = {
  type: 'object',
  properties: { wait: { type: 'string', pattern: '^[0-9]{1,2}$' } },
} as const;

/** Seconds to long-poll for: the page's `?wait=`, at most 25. */
export function waitSeconds(query: { wait?: string } | undefined): number {
  return Math.min(25, Number(query?.wait ?? 0) || 0);
}

/**
 * Login through Cipherpad (PRODUCT.md flow 10): the page sends the email, the
 * keeper creates a `login` confirmation and answers its challenge, QR URI and
 * number to match; a typed response (`verify`) or an online approval seen by
 * the long poll (`status`) opens the session. A pending login is bound to the
 * browser that began it by a cookie, so knowing its id is not enough to take
 * over the session it opens.
 */
export async function loginRoutes(app: FastifyInstance, services: KeeperServices): Promise<void> {
  app.post<{ Body: { email: string } }>(
    '/api/login',
    {
      config: {
        csrfExempt:
          'starts a login: there is no session yet, hence no token; it only asks Cipherpad for a challenge',
      },
      schema: {
        body: {
          type: 'object',
          required: ['email'],
          additionalProperties: false,
          properties: { email: { type: 'string', maxLength: 254 } },
        },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      if (!EMAIL.test(email)) throw new KeeperError('ERR_EMAIL_INVALID');
      const confirmation = await services.cipherpad.createConfirmation(email, { type: 'login' });
      const secret = newToken();
      const id = newId();
      const now = services.clock.now();
      await services.db
        .insertInto('logins')
        .values({
          id,
          email,
          confirmation_id: confirmation.id,
          secret_hash: hashToken(secret),
          status: 'pending',
          expires_at: confirmation.expiresAt,
          created_at: now,
        })
        .execute();
      setCookie(services, reply, LOGIN_COOKIE, secret, 10 * 60, '/api/login');
      return reply.code(201).send({
        id,
        email,
        challenge: confirmation.challenge,
        uri: confirmation.uri,
        matchNumber: confirmation.matchNumber,
        expiresAt: confirmation.expiresAt,
        ...(confirmation.confirmUrl ? { confirmUrl: confirmation.confirmUrl } : {}),
      });
    },
  );

  app.post<{ Params: { id: string }; Body: { response: string } }>(
    '/api/login/:id/verify',
    {
      config: {
        csrfExempt:
          'ends a login before any session exists: the login id is known only to the page that started it and the SameSite=Strict login cookie binds it to that browser',
      },
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
    async (request, reply) => {
      const login = await pendingLogin(services, request);
      const state = await withinWrongAnswerLimit(services, request.ip, () =>
        services.cipherpad.verifyConfirmation(
          login.confirmation_id,
          request.body.response.replace(/[\s-]/g, ''),
        ),
      );
      if (state.status !== 'confirmed')
        throw new KeeperError('ERR_CHALLENGE_CLOSED', { status: 410 });
      return finish(services, login, reply);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { wait?: string; challenge?: string } }>(
    '/api/login/:id/status',
    {
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            ...waitQuery.properties,
            // The challenge the page shows: the long poll answers at once when it was re-issued.
            challenge: { type: 'string', pattern: '^[0-9]{1,16}$' },
          },
        },
      },
    },
    async (request, reply) => {
      const login = await pendingLogin(services, request);
      const state = await services.cipherpad.getConfirmation(
        login.confirmation_id,
        waitSeconds(request.query),
        request.query.challenge,
      );
      if (state.status === 'confirmed') return finish(services, login, reply);
      if (state.status !== 'pending') {
        await services.db
          .updateTable('logins')
          .set({ status: 'failed' })
          .where('id', '=', login.id)
          .execute();
      }
      // Still pending: what the person answers now (re-issued after inline registration).
      return {
        status: state.status,
        signedIn: false,
        ...(state.status === 'pending' && state.challenge
          ? {
              challenge: state.challenge,
              ...(state.uri ? { uri: state.uri } : {}),
              ...(state.matchNumber ? { matchNumber: state.matchNumber } : {}),
              ...(state.expiresAt ? { expiresAt: state.expiresAt } : {}),
            }
          : {}),
      };
    },
  );

  app.post('/api/logout', async (request, reply) => {
    await closeSession(services, request, reply);
    return { signedIn: false };
  });
}

type Login = { id: string; email: string; confirmation_id: string; status: string };

async function pendingLogin(services: KeeperServices, request: FastifyRequest): Promise<Login> {
  const { id } = request.params as { id: string };
  const secret = readCookie(request, LOGIN_COOKIE);
  const login = await services.db
    .selectFrom('logins')
    .select(['id', 'email', 'confirmation_id', 'status', 'secret_hash'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!login || !secret || hashToken(secret) !== login.secret_hash) {
    throw new KeeperError('ERR_LOGIN_NOT_FOUND');
  }
  return login;
}

/** Opens the session of a confirmed login, once: a second report of the same approval opens none. */
async function finish(services: KeeperServices, login: Login, reply: FastifyReply) {
  const claimed = await services.db
    .updateTable('logins')
    .set({ status: 'done' })
    .where('id', '=', login.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (claimed.numUpdatedRows !== 1n) return { status: 'confirmed', signedIn: false };
  const user = await openWallet(services.db, login.email, {
    now: services.clock.now(),
    demoBalance: services.config.env === 'development' ? services.config.demoBalance : 0,
  });
  const { csrfToken } = await openSession(services, reply, user);
  setCookie(services, reply, LOGIN_COOKIE, '', 0, '/api/login');
  return {
    status: 'confirmed',
    signedIn: true,
    csrfToken,
    user: { email: user.email, walletId: user.wallet_id },
  };
}
