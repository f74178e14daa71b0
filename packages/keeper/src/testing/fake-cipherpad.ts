import { createHash, randomBytes, randomInt } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';

/** A confirmation as the fake keeps it. */
export interface FakeConfirmation {
  id: string;
  kind: 'app' | 'sms';
  email?: string;
  phone?: string;
  operation: { type: string; name?: string; amount?: string; currency?: string; purse?: string };
  status: 'pending' | 'confirmed' | 'denied' | 'expired' | 'failed';
  challenge: string;
  uri: string;
  matchNumber: string;
  /** The one answer that confirms it (the fake's stand-in for OCRA / the SMS code). */
  code: string;
  attemptsLeft: number;
  expiresAt: number;
  method?: 'response' | 'approval';
}

/**
 * The response a device would compute for a challenge, bound (for a payment)
 * to the amount and the purse number, as docs/protocol.md binds it. Not
 * OCRA: the fake only needs a different answer for every different payment.
 */
export function fakeResponse(challenge: string, amount?: string, purse?: string): string {
  const data = amount
    ? `cipherpad-payment-v1:${challenge}:${amount}:${(purse ?? '').slice(-12)}`
    : challenge;
  const n = createHash('sha256').update(data).digest().readUInt32BE(0) % 100_000_000;
  return String(n).padStart(8, '0');
}

/**
 * A stand-in for Cipherpad's confirmation API (docs/confirmation-api.md),
 * listening on a free port of 127.0.0.1: Basic authentication of the site,
 * `Idempotency-Key`, Payment-mode binding, 3 attempts, long polls, SMS
 * confirmations. Tests drive the person's side with `approve`, `deny` and
 * `expire`, and read SMS codes with `smsCode`.
 */
export class FakeCipherpad {
  readonly clientId = `cps_${randomBytes(16).toString('base64url').slice(0, 22)}`;
  readonly clientSecret = randomBytes(32).toString('base64url');
  readonly confirmations = new Map<string, FakeConfirmation>();
  readonly requests: { method: string; path: string; idempotencyKey?: string }[] = [];
  readonly #idempotent = new Map<string, { body: string; answer: unknown }>();
  readonly #waiters = new Map<string, (() => void)[]>();
  #app: FastifyInstance | null = null;
  url = '';

  async start(): Promise<this> {
    const app = Fastify();
    this.#app = app;
    app.addHook('onRequest', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      this.requests.push({
        method: request.method,
        path: request.url,
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      });
      const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        reply.header('www-authenticate', 'Basic realm="cipherpad"');
        return reply
          .code(401)
          .send({ error: 'ERR_SITE_AUTH', message: 'site authentication failed' });
      }
    });

    const create =
      (kind: 'app' | 'sms') =>
      async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
        const body = request.body as {
          email?: string;
          phone?: string;
          operation: FakeConfirmation['operation'];
        };
        const key = request.headers['idempotency-key'];
        const idemKey = typeof key === 'string' ? `${kind}:${key}` : null;
        if (idemKey) {
          const earlier = this.#idempotent.get(idemKey);
          if (earlier) {
            if (earlier.body !== JSON.stringify(body)) {
              return reply
                .code(409)
                .send({ error: 'ERR_IDEMPOTENCY_CONFLICT', message: 'conflict' });
            }
            return reply.code(201).send(earlier.answer);
          }
        }
        const id = randomBytes(12).toString('base64url');
        const challenge = String(randomInt(0, 100_000_000)).padStart(8, '0');
        const payment = body.operation.type === 'payment';
        const confirmation: FakeConfirmation = {
          id,
          kind,
          ...(body.email ? { email: body.email } : {}),
          ...(body.phone ? { phone: body.phone } : {}),
          operation: body.operation,
          status: 'pending',
          challenge,
          uri: '',
          matchNumber: String(randomInt(10, 100)),
          code:
            kind === 'sms'
              ? String(randomInt(0, 1_000_000)).padStart(6, '0')
              : fakeResponse(
                  challenge,
                  payment ? body.operation.amount : undefined,
                  body.operation.purse,
                ),
          attemptsLeft: 3,
          expiresAt: Date.now() + 5 * 60_000,
        };
        confirmation.uri = this.#uri(confirmation);
        this.confirmations.set(id, confirmation);
        const answer =
          kind === 'sms'
            ? { id, status: 'pending', expiresAt: confirmation.expiresAt }
            : {
                id,
                status: 'pending',
                mode: payment ? 'payment' : 'authorization',
                challenge,
                uri: confirmation.uri,
                matchNumber: confirmation.matchNumber,
                expiresAt: confirmation.expiresAt,
                confirmUrl: `${this.url}/confirm.html?id=${id}&token=t`,
              };
        if (idemKey) this.#idempotent.set(idemKey, { body: JSON.stringify(body), answer });
        return reply.code(201).send(answer);
      };

    const verify =
      (kind: 'app' | 'sms') =>
      async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
        const { id } = request.params as { id: string };
        const confirmation = this.confirmations.get(id);
        if (!confirmation || confirmation.kind !== kind) {
          return reply
            .code(404)
            .send({ error: 'ERR_CONFIRMATION_NOT_FOUND', message: 'not found' });
        }
        const typed =
          kind === 'sms'
            ? (request.body as { code: string }).code
            : (request.body as { response: string }).response;
        if (confirmation.status === 'expired' || confirmation.expiresAt < Date.now()) {
          this.#set(confirmation, 'expired');
          return reply.code(410).send({
            error: kind === 'sms' ? 'ERR_CODE_EXPIRED' : 'ERR_CHALLENGE_EXPIRED',
            message: 'expired',
          });
        }
        if (confirmation.status !== 'pending') {
          return reply.code(410).send({ error: 'ERR_CHALLENGE_CLOSED', message: 'closed' });
        }
        if (typed !== confirmation.code) {
          confirmation.attemptsLeft -= 1;
          if (confirmation.attemptsLeft === 0) this.#set(confirmation, 'failed');
          return reply.code(400).send({
            error: kind === 'sms' ? 'ERR_CODE_INVALID' : 'ERR_RESPONSE_REJECTED',
            message: 'wrong',
            attemptsLeft: confirmation.attemptsLeft,
          });
        }
        confirmation.method = 'response';
        this.#set(confirmation, 'confirmed');
        return { id, status: 'confirmed', confirmedAt: Date.now(), deviceId: 'dev_1' };
      };

    const get =
      (kind: 'app' | 'sms') =>
      async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
        const { id } = request.params as { id: string };
        const confirmation = this.confirmations.get(id);
        if (!confirmation || confirmation.kind !== kind) {
          return reply
            .code(404)
            .send({ error: 'ERR_CONFIRMATION_NOT_FOUND', message: 'not found' });
        }
        const query = request.query as { wait?: string; challenge?: string };
        const wait = Math.min(30, Number(query.wait ?? 0));
        const stale = query.challenge !== undefined && query.challenge !== confirmation.challenge;
        if (confirmation.status === 'pending' && wait > 0 && !stale) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait * 1000);
            const list = this.#waiters.get(id) ?? [];
            list.push(() => {
              clearTimeout(timer);
              resolve();
            });
            this.#waiters.set(id, list);
          });
        }
        return {
          id,
          status: confirmation.status,
          mode: confirmation.operation.type === 'payment' ? 'payment' : 'authorization',
          operation: confirmation.operation,
          expiresAt: confirmation.expiresAt,
          ...(confirmation.method ? { method: confirmation.method } : {}),
          ...(confirmation.status === 'pending' && kind === 'app'
            ? {
                challenge: confirmation.challenge,
                uri: confirmation.uri,
                matchNumber: confirmation.matchNumber,
              }
            : {}),
        };
      };

    app.post('/v1/confirmations', create('app'));
    app.post('/v1/confirmations/:id/verify', verify('app'));
    app.get('/v1/confirmations/:id', get('app'));
    app.post('/v1/sms-confirmations', create('sms'));
    app.post('/v1/sms-confirmations/:id/verify', verify('sms'));
    app.get('/v1/sms-confirmations/:id', get('sms'));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  #set(confirmation: FakeConfirmation, status: FakeConfirmation['status']): void {
    confirmation.status = status;
    this.#wake(confirmation.id);
  }

  #wake(id: string): void {
    for (const wake of this.#waiters.get(id) ?? []) wake();
    this.#waiters.delete(id);
  }

  #uri(c: FakeConfirmation): string {
    return c.operation.type === 'payment'
      ? `cipherpad:p?c=${c.challenge}&p=${c.operation.purse}&a=${c.operation.amount}&cur=${c.operation.currency}&s=Keeper%20Demo&i=${c.id}&u=${this.url}/`
      : `cipherpad:l?c=${c.challenge}&s=Keeper%20Demo&i=${c.id}&u=${this.url}/`;
  }

  /**
   * The person registers inline on the confirm page: the confirmation gets
   * a fresh challenge, number and expiry, and the earlier answer stops
   * working, as Cipherpad's `rebind` does.
   */
  reissue(id: string): FakeConfirmation {
    const confirmation = this.confirmations.get(id);
    if (confirmation?.kind !== 'app') throw new Error(`no confirmation ${id}`);
    let challenge = confirmation.challenge;
    while (challenge === confirmation.challenge)
      challenge = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const { operation } = confirmation;
    const payment = operation.type === 'payment';
    confirmation.challenge = challenge;
    confirmation.code = fakeResponse(
      challenge,
      payment ? operation.amount : undefined,
      operation.purse,
    );
    confirmation.matchNumber = String(randomInt(10, 100));
    confirmation.uri = this.#uri(confirmation);
    confirmation.attemptsLeft = 3;
    confirmation.expiresAt = Date.now() + 5 * 60_000 + 1000;
    this.#wake(id);
    return confirmation;
  }

  /** The newest confirmation (of a kind), as the person's app would see it. */
  last(kind: 'app' | 'sms' = 'app'): FakeConfirmation {
    const all = [...this.confirmations.values()].filter((c) => c.kind === kind);
    const found = all[all.length - 1];
    if (!found) throw new Error('no confirmation yet');
    return found;
  }

  /** The person approves online (number matched). */
  approve(id: string): void {
    const confirmation = this.confirmations.get(id);
    if (!confirmation) throw new Error(`no confirmation ${id}`);
    confirmation.method = 'approval';
    this.#set(confirmation, 'confirmed');
  }

  deny(id: string): void {
    const confirmation = this.confirmations.get(id);
    if (confirmation) this.#set(confirmation, 'denied');
  }

  expire(id: string): void {
    const confirmation = this.confirmations.get(id);
    if (confirmation) this.#set(confirmation, 'expired');
  }

  async stop(): Promise<void> {
    await this.#app?.close();
  }
}
