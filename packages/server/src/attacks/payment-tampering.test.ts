import { createHash } from 'node:crypto';
import {
  canonicalAmount,
  computeResponse,
  generateOcra,
  PAYMENT_SUITE,
  parsePurse,
} from '@cipherpad/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSite } from '../sites/register-site.js';
import { type Enrolled, enroll } from '../testing/enroll.js';
import { startTestService, type TestService } from '../testing/test-service.js';

// Payment mode binds a response to the amount and the purse (docs/protocol.md,
// "Responses"): a response computed for any other payment, however it is
// spelled, is refused, at a site's confirmation as at a login in Payment mode.
// Every tampered response is followed, on the same challenge, by the right
// one, which is accepted: the refusal is the binding's, not a closed
// challenge's or a blocked account's.

const AMOUNT = '25.5';
const PURSE = 'Z123456789012';
const PURSE_NUMBER = '123456789012';

let service: TestService;
let payer: Enrolled;
let site: { clientId: string; clientSecret: string };

beforeAll(async () => {
  // The per-address throttle of wrong answers has its own tests; here one
  // address sends some hundred of them on purpose.
  service = await startTestService({ policy: { wrongAnswersPerIp: 100_000 } });
  payer = await enroll(service, 'payer@example.com', '+442079477001');
  site = await registerSite(
    { db: service.services.db, secrets: service.services.secrets, now: 0 },
    { name: 'Keeper Demo' },
  );
  await service.services.db
    .insertInto('site_consents')
    .values({ account_id: payer.accountId, site_id: site.clientId, created_at: 0 })
    .execute();
});
afterAll(async () => {
  await service?.close();
});

/**
 * The response of a device that binds the amount and the purse exactly as
 * given, without putting them in canonical form: Payment mode's question
 * (SHA-256 of `cipherpad-payment-v1:<challenge>:<amount>:<purse number>`) over
 * the raw strings. For the canonical amount and purse number it is the right
 * response (checked below), so any other spelling gives another question.
 */
function rawResponse(challenge: string, amount: string, purse: string): Promise<string> {
  const question = createHash('sha256')
    .update(`cipherpad-payment-v1:${challenge}:${amount}:${purse}`)
    .digest('hex');
  return generateOcra(PAYMENT_SUITE, payer.ocraKey, { question });
}

/** The responses a device could give for `amount` and `purse`: the core's, when it takes them, and the raw one. */
async function responsesFor(challenge: string, amount: string, purse: string): Promise<string[]> {
  const candidates = [await rawResponse(challenge, amount, purse)];
  try {
    candidates.push(
      await computeResponse(payer.ocraKey, { mode: 'payment', challenge, amount, purse }),
    );
  } catch (error) {
    // The core refuses the spelling (ERR_AMOUNT_INVALID, ERR_PURSE_INVALID): only the raw one is left.
    expect((error as { code?: string }).code).toMatch(/^ERR_(AMOUNT|PURSE)_INVALID$/);
  }
  return [...new Set(candidates)];
}

function right(challenge: string, amount = AMOUNT): Promise<string> {
  return computeResponse(payer.ocraKey, { mode: 'payment', challenge, amount, purse: PURSE });
}

function basic(): string {
  return `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`;
}

/** One of the two ways a payment is confirmed by a typed response. */
interface Flow {
  readonly name: string;
  start(amount: string, purse: string): Promise<LightMyRequestResponse>;
  verify(id: string, response: string): Promise<LightMyRequestResponse>;
}

const flows: readonly Flow[] = [
  {
    name: "a site's confirmation",
    start: (amount, purse) =>
      service.app.inject({
        method: 'POST',
        url: '/v1/confirmations',
        headers: { authorization: basic() },
        payload: {
          email: payer.email,
          operation: { type: 'payment', amount, currency: 'WMZ', purse },
        },
      }),
    verify: (id, response) =>
      service.app.inject({
        method: 'POST',
        url: `/v1/confirmations/${id}/verify`,
        headers: { authorization: basic() },
        payload: { response },
      }),
  },
  {
    name: 'a login in Payment mode',
    start: (amount, purse) =>
      service.app.inject({
        method: 'POST',
        url: '/v1/logins',
        payload: { email: payer.email, mode: 'payment', amount, purse, currency: 'WMZ' },
      }),
    verify: (id, response) =>
      service.app.inject({
        method: 'POST',
        url: `/v1/logins/${id}/verify`,
        payload: { response },
      }),
  },
];

async function started(flow: Flow, amount = AMOUNT, purse = PURSE) {
  const answer = await flow.start(amount, purse);
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json() as { id: string; challenge: string };
}

/** Other amounts, and this amount in spellings the protocol does not take, by kind. */
const TAMPERED_AMOUNTS: Readonly<Record<string, readonly string[]>> = {
  'another value': ['25.51', '25.05', '2.55', '255', '25', '26.5', '0.255', '25.6'],
  'trailing zeros': ['255.00', '25.510', '2.550'],
  'leading zeros': ['0255', '00025.51', '0002.55'],
  'a comma decimal': ['25,51', '2,55', '255,0'],
  'an exponent': ['2.55e1', '2.55E1', '25.5e0', '255e-1', '2.55e2'],
  whitespace: [' 25.5', '25.5 ', '25 .5', '2 5.5', '25.5\u00a0', '25.5\n', '\t25.5'],
  'unicode digits': ['２５.５', '٢٥.٥', '२५.५', '𝟐𝟓.𝟓', '25.５'],
  'a sign': ['-25.5', '\u221225.5', '+25.5', '-255'],
  separators: ['25٫5', '25·5', '2,5.5', '25..5', '25.5.0'],
};

/** Other purses, and this purse in spellings the protocol does not take. */
const TAMPERED_PURSES: Readonly<Record<string, readonly string[]>> = {
  'another number': ['Z123456789013', 'Z213456789012', '123456789013', 'E123456789013'],
  'spaces in another number': ['Z 1234 5678 9013', 'z 1234 5678 9013'],
  dashes: ['Z1234-5678-9012', '1234-5678-9012', 'Z-123456789012'],
  'a wrong length': ['Z12345678901', 'Z1234567890123', '1234567890120'],
  'unicode digits': ['Z１２３４５６７８９０１２', 'Z١٢٣٤٥٦٧٨٩٠١٢'],
  // A device that binds the letter too: the protocol binds the 12 digits alone.
  'the letter bound': ['Z123456789012', 'z123456789012', 'E123456789012'],
};

describe('payment tampering: a response for another amount or purse is refused', () => {
  it('computes the right response the raw way too, so the raw spellings are a fair test', async () => {
    expect(await rawResponse('12345678', AMOUNT, PURSE_NUMBER)).toBe(await right('12345678'));
  });

  for (const flow of flows) {
    describe(flow.name, () => {
      for (const [kind, amounts] of Object.entries(TAMPERED_AMOUNTS)) {
        it(`refuses a response for an amount with ${kind}, then accepts the right one`, async () => {
          for (const amount of amounts) {
            const { id, challenge } = await started(flow);
            const tampered = await responsesFor(challenge, amount, PURSE_NUMBER);
            const expected = await right(challenge);
            expect(tampered.length).toBeGreaterThan(0);
            expect(tampered, JSON.stringify(amount)).not.toContain(expected);
            for (const response of tampered) {
              const refused = await flow.verify(id, response);
              expect(refused.statusCode, JSON.stringify(amount)).toBe(401);
              expect(refused.json().error).toBe('ERR_RESPONSE_REJECTED');
            }
            const accepted = await flow.verify(id, expected);
            expect(accepted.statusCode, accepted.body).toBe(200);
          }
        });
      }

      for (const [kind, purses] of Object.entries(TAMPERED_PURSES)) {
        it(`refuses a response for a purse with ${kind}, then accepts the right one`, async () => {
          for (const purse of purses) {
            const { id, challenge } = await started(flow);
            const expected = await right(challenge);
            // The core binds only the 12 digits: for a purse it takes with the same number it
            // gives the right response (the same purse), so there only the raw binding tampers.
            let sameNumber = false;
            try {
              sameNumber = parsePurse(purse).number === PURSE_NUMBER;
            } catch {}
            const tampered = sameNumber
              ? [await rawResponse(challenge, AMOUNT, purse)]
              : await responsesFor(challenge, AMOUNT, purse);
            expect(tampered.length, JSON.stringify(purse)).toBeGreaterThan(0);
            expect(tampered, JSON.stringify(purse)).not.toContain(expected);
            for (const response of tampered) {
              const refused = await flow.verify(id, response);
              expect(refused.statusCode, JSON.stringify(purse)).toBe(401);
              expect(refused.json().error).toBe('ERR_RESPONSE_REJECTED');
            }
            const accepted = await flow.verify(id, expected);
            expect(accepted.statusCode, accepted.body).toBe(200);
          }
        });
      }

      it('refuses an Authorization-mode response to a payment challenge', async () => {
        const { id, challenge } = await started(flow);
        const plain = await computeResponse(payer.ocraKey, { mode: 'authorization', challenge });
        const refused = await flow.verify(id, plain);
        expect(refused.statusCode).toBe(401);
        expect(refused.json().error).toBe('ERR_RESPONSE_REJECTED');
        expect((await flow.verify(id, await right(challenge))).statusCode).toBe(200);
      });

      it('refuses the right response for the first amount once the amount was changed', async () => {
        const first = await started(flow, AMOUNT);
        const forFirst = await right(first.challenge);
        // The amount changes: a new request for 255, the person's device still on 25.5.
        const changed = await started(flow, '255');
        const seenBefore = await right(changed.challenge, AMOUNT);
        for (const response of [forFirst, seenBefore]) {
          const refused = await flow.verify(changed.id, response);
          expect(refused.statusCode).toBe(401);
          expect(refused.json().error).toBe('ERR_RESPONSE_REJECTED');
        }
        expect(
          (await flow.verify(changed.id, await right(changed.challenge, '255'))).statusCode,
        ).toBe(200);
        // The first request's own response is accepted once, and never again.
        expect((await flow.verify(first.id, forFirst)).statusCode).toBe(200);
        const replayed = await flow.verify(first.id, forFirst);
        expect(replayed.statusCode).toBe(410);
        expect(replayed.json().error).toBe('ERR_CHALLENGE_CLOSED');
      });
    });
  }
});

describe('payment spellings a site may send when it asks for a confirmation', () => {
  const flow = flows[0] as Flow;

  async function statusOf(id: string) {
    const answer = await service.app.inject({
      method: 'GET',
      url: `/v1/confirmations/${id}`,
      headers: { authorization: basic() },
    });
    return answer.json() as { operation: { amount: string; purse: string } };
  }

  it('binds every accepted spelling of one amount to that amount and shows it canonical', async () => {
    for (const amount of ['25.5', '25.50', '025.5', '25,5', '25,500', '0025,50']) {
      const { id, challenge } = await started(flow, amount);
      expect((await statusOf(id)).operation.amount).toBe(AMOUNT);
      // What the person's device computes from the QR code's amount is what is accepted.
      expect((await flow.verify(id, await right(challenge, amount))).statusCode).toBe(200);
    }
  });

  it('binds every accepted spelling of one purse to its number', async () => {
    for (const [purse, shown] of [
      ['Z123456789012', 'Z123456789012'],
      ['z123456789012', 'Z123456789012'],
      ['Z 1234 5678 9012', 'Z123456789012'],
      ['123456789012', '123456789012'],
    ] as const) {
      const { id, challenge } = await started(flow, AMOUNT, purse);
      expect((await statusOf(id)).operation.purse).toBe(shown);
      expect((await flow.verify(id, await right(challenge))).statusCode).toBe(200);
    }
  });

  it('refuses an amount or a purse the protocol does not take, rather than guessing', async () => {
    for (const amount of [
      ...Object.values(TAMPERED_AMOUNTS)
        .flat()
        .filter((a) => {
          try {
            canonicalAmount(a);
            return false;
          } catch {
            return true;
          }
        }),
      '',
      '0',
      '0,00',
      '1 000',
    ]) {
      const refused = await flow.start(amount, PURSE);
      expect(refused.statusCode, JSON.stringify(amount)).toBe(400);
      expect(refused.json().error, JSON.stringify(amount)).toBe('ERR_AMOUNT_INVALID');
    }
    for (const purse of [
      ...TAMPERED_PURSES.dashes,
      ...TAMPERED_PURSES['a wrong length'],
      ...TAMPERED_PURSES['unicode digits'],
      'ZZ123456789012',
      '',
    ] as string[]) {
      const refused = await flow.start(AMOUNT, purse);
      expect(refused.statusCode, JSON.stringify(purse)).toBe(400);
      expect(refused.json().error, JSON.stringify(purse)).toBe('ERR_PURSE_INVALID');
    }
  });
});
