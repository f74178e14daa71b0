import { newId, runTransaction } from '@cipherpad/storage';
import type { FastifyInstance } from 'fastify';
import { waitSeconds } from '../auth/login-routes.js';
import { requireUser } from '../auth/sessions.js';
import type { ConfirmationState } from '../cipherpad/cipherpad-client.js';
import { KeeperError } from '../errors.js';
import { withinWrongAnswerLimit } from '../limits/wrong-answer-limit.js';
import type { KeeperServices } from '../services.js';
import type { User } from '../wallet/open-wallet.js';

type Method = 'none' | 'cipherpad' | 'sms';
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** A phone as typed: `+`, digits, spaces, dashes, brackets; 7 to 15 digits. */
export function normalizePhone(input: string): string {
  const trimmed = input.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (!/^\+?[0-9 ()-]{7,24}$/.test(trimmed) || digits.length < 7 || digits.length > 15) {
    throw new KeeperError('ERR_PHONE_INVALID');
  }
  return `+${digits}`;
}

function describe(method: Method, phone: string | null): string {
  if (method === 'cipherpad') return 'Keeper: confirm every transfer with Cipherpad';
  if (method === 'sms') return `Keeper: confirm every transfer by SMS to ${phone ?? ''}`;
  return 'Keeper: transfers without confirmation';
}

/**
 * Settings (PRODUCT.md flows 9 and 10): how transfers are confirmed. A change
 * is itself confirmed before it applies: with Cipherpad (an `operation`
 * confirmation named `security-settings`) whenever Cipherpad confirmation is
 * turned on or off, otherwise by an SMS code to the phone that will (or did)
 * receive the transfer codes.
 */
export async function settingsRoutes(
  app: FastifyInstance,
  services: KeeperServices,
): Promise<void> {
  app.post<{ Body: { method: Method; phone?: string } }>(
    '/api/settings/changes',
    {
      schema: {
        body: {
          type: 'object',
          required: ['method'],
          additionalProperties: false,
          properties: {
            method: { type: 'string', enum: ['none', 'cipherpad', 'sms'] },
            phone: { type: 'string', maxLength: 32 },
          },
        },
      },
    },
    async (request, reply) => {
      const user = await requireUser(services, request);
      const method = request.body.method;
      const phone = method === 'sms' ? normalizePhone(request.body.phone ?? '') : null;
      if (method === user.confirmation && phone === user.sms_phone) {
        return reply.code(200).send({ applied: true, settings: settingsOf(user) });
      }
      const channel =
        user.confirmation === 'cipherpad' || method === 'cipherpad' ? 'cipherpad' : 'sms';
      const operation = {
        type: 'operation' as const,
        name: 'security-settings',
        description: describe(method, phone),
      };
      const id = newId();
      let answer: Record<string, unknown>;
      let confirmationId: string;
      let expiresAt: number;
      if (channel === 'cipherpad') {
        const created = await services.cipherpad.createConfirmation(
          user.email,
          operation,
          `keeper-settings-${id}`,
        );
        confirmationId = created.id;
        expiresAt = created.expiresAt;
        answer = {
          challenge: created.challenge,
          uri: created.uri,
          matchNumber: created.matchNumber,
          ...(created.confirmUrl ? { confirmUrl: created.confirmUrl } : {}),
        };
      } else {
        const target = phone ?? user.sms_phone;
        if (!target) throw new KeeperError('ERR_PHONE_INVALID');
        const created = await services.cipherpad.createSmsConfirmation(
          target,
          operation,
          `keeper-settings-${id}`,
        );
        confirmationId = created.id;
        expiresAt = created.expiresAt;
        answer = { phone: target };
      }
      await services.db
        .insertInto('settings_changes')
        .values({
          id,
          user_id: user.id,
          confirmation: method,
          sms_phone: phone,
          channel,
          confirmation_id: confirmationId,
          status: 'pending',
          expires_at: expiresAt,
          created_at: services.clock.now(),
        })
        .execute();
      return reply.code(201).send({ id, channel, expiresAt, applied: false, ...answer });
    },
  );

  app.post<{ Params: { id: string }; Body: { response: string } }>(
    '/api/settings/changes/:id/verify',
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
      const change = await pendingChange(services, user, request.params.id);
      const typed = request.body.response.replace(/[\s-]/g, '');
      const state = await withinWrongAnswerLimit(services, request.ip, () =>
        change.channel === 'sms'
          ? services.cipherpad.verifySmsConfirmation(change.confirmation_id, typed)
          : services.cipherpad.verifyConfirmation(change.confirmation_id, typed),
      );
      return apply(services, user, change.id, state);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { wait?: string } }>(
    '/api/settings/changes/:id/status',
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
      const change = await pendingChange(services, user, request.params.id);
      if (change.status !== 'pending') {
        return {
          status: change.status,
          applied: change.status === 'applied',
          settings: settingsOf(await reread(services, user)),
        };
      }
      const wait = waitSeconds(request.query);
      const state =
        change.channel === 'sms'
          ? await services.cipherpad.getSmsConfirmation(change.confirmation_id, wait)
          : await services.cipherpad.getConfirmation(change.confirmation_id, wait);
      return apply(services, user, change.id, state);
    },
  );
}

function settingsOf(user: User) {
  return { method: user.confirmation, phone: user.sms_phone };
}

async function reread(services: KeeperServices, user: User): Promise<User> {
  return services.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
}

async function pendingChange(services: KeeperServices, user: User, id: string) {
  const change = await services.db
    .selectFrom('settings_changes')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (!change) throw new KeeperError('ERR_CHANGE_NOT_FOUND');
  return change;
}

/** Applies a confirmed change once (the claim is a conditional UPDATE), or closes a failed one. */
async function apply(
  services: KeeperServices,
  user: User,
  changeId: string,
  state: ConfirmationState,
) {
  if (state.status === 'confirmed') {
    await runTransaction(services.db, async (trx) => {
      const claimed = await trx
        .updateTable('settings_changes')
        .set({ status: 'applied' })
        .where('id', '=', changeId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (claimed.numUpdatedRows !== 1n) return;
      const change = await trx
        .selectFrom('settings_changes')
        .select(['confirmation', 'sms_phone'])
        .where('id', '=', changeId)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('users')
        .set({ confirmation: change.confirmation, sms_phone: change.sms_phone })
        .where('id', '=', user.id)
        .execute();
    });
  } else if (state.status !== 'pending') {
    await services.db
      .updateTable('settings_changes')
      .set({ status: 'cancelled' })
      .where('id', '=', changeId)
      .where('status', '=', 'pending')
      .execute();
  }
  return {
    status: state.status,
    applied: state.status === 'confirmed',
    settings: settingsOf(await reread(services, user)),
  };
}
