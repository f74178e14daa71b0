import { type Dispatcher, Pool } from 'undici';
import type { SiteCredentials } from '../config/config.js';
import { KeeperError } from '../errors.js';

/** What a confirmation asks the person to confirm (docs/confirmation-api.md). */
export type ConfirmationOperation =
  | { readonly type: 'login' }
  | { readonly type: 'operation'; readonly name: string; readonly description?: string }
  | {
      readonly type: 'payment';
      readonly amount: string;
      readonly currency: string;
      readonly purse: string;
      readonly note?: string;
    };

/** Where a confirmation stands. */
export type ConfirmationStatus = 'pending' | 'confirmed' | 'denied' | 'expired' | 'failed';

/** `POST /v1/confirmations` → 201. */
export interface CreatedConfirmation {
  readonly id: string;
  readonly status: ConfirmationStatus;
  readonly mode: 'authorization' | 'payment';
  readonly challenge: string;
  readonly uri: string;
  readonly matchNumber: string;
  readonly expiresAt: number;
  readonly confirmUrl?: string;
}

/** `GET /v1/confirmations/:id`, `GET /v1/sms-confirmations/:id` and the verify answers. */
export interface ConfirmationState {
  readonly id: string;
  readonly status: ConfirmationStatus;
  readonly expiresAt?: number;
  readonly confirmedAt?: number;
  readonly method?: 'response' | 'approval';
  /**
   * While pending (`GET /v1/confirmations/:id`): what the person answers
   * now. Inline registration on Cipherpad's page re-issues them, so these,
   * not the creation's, are the ones to show.
   */
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
}

/** `POST /v1/sms-confirmations` → 201. */
export interface CreatedSmsConfirmation {
  readonly id: string;
  readonly status: ConfirmationStatus;
  readonly expiresAt: number;
}

/** The part of Cipherpad's confirmation API the keeper uses. */
export interface Cipherpad {
  createConfirmation(
    email: string,
    operation: ConfirmationOperation,
    idempotencyKey?: string,
  ): Promise<CreatedConfirmation>;
  verifyConfirmation(id: string, response: string): Promise<ConfirmationState>;
  /**
   * Where a confirmation stands, long-polling up to `waitSeconds` for a
   * change; with `knownChallenge` (the one shown) the answer comes at once
   * when Cipherpad has re-issued it.
   */
  getConfirmation(
    id: string,
    waitSeconds?: number,
    knownChallenge?: string,
  ): Promise<ConfirmationState>;
  createSmsConfirmation(
    phone: string,
    operation: Exclude<ConfirmationOperation, { type: 'login' }>,
    idempotencyKey?: string,
  ): Promise<CreatedSmsConfirmation>;
  verifySmsConfirmation(id: string, code: string): Promise<ConfirmationState>;
  getSmsConfirmation(id: string, waitSeconds?: number): Promise<ConfirmationState>;
  /** Closes the client's connections (the HTTP client has some; a fake need not). */
  close?(): Promise<void>;
}

/** Cipherpad's refusals the keeper passes on to the page as they are (with their details). */
export const PASSED_ON: ReadonlySet<string> = new Set([
  'ERR_VALIDATION',
  'ERR_EMAIL_INVALID',
  'ERR_PHONE_INVALID',
  'ERR_RESPONSE_REJECTED',
  'ERR_CHALLENGE_EXPIRED',
  'ERR_CHALLENGE_CLOSED',
  'ERR_ACCOUNT_BLOCKED',
  'ERR_ACCOUNT_LOCKED',
  'ERR_CONSENT_REQUIRED',
  'ERR_CODE_INVALID',
  'ERR_CODE_EXPIRED',
  'ERR_SMS_DAILY_LIMIT',
  'ERR_RATE_LIMITED_SITE',
  'ERR_CONFIRMATION_NOT_FOUND',
  'ERR_CHALLENGE_FORMAT',
]);

/**
 * A client of Cipherpad's confirmation API over HTTP, authenticated as the
 * keeper's site (HTTP Basic with the client id and secret). Cipherpad's
 * refusals become `KeeperError`s with Cipherpad's code, status and details;
 * a credential Cipherpad refuses, a 5xx, a timeout or a network failure is
 * `ERR_CIPHERPAD_UNAVAILABLE` (logged through `onTrouble`, never with the secret).
 *
 * Every call is on a pool of keep-alive HTTP/1.1 connections to the service
 * (undici's `Pool`, one request at a time on each, as many connections as
 * calls at once): no connection set-up per call, and none of `fetch`'s
 * stream and abort-signal machinery, nor the response stream of undici's
 * `request` (see `exchange`). The `Authorization` header is built once.
 */
export function createCipherpadClient(options: {
  readonly baseUrl: string;
  readonly credentials: SiteCredentials | null;
  readonly onTrouble?: (message: string, details: Record<string, unknown>) => void;
}): Cipherpad {
  const { baseUrl, credentials } = options;
  const authorization = credentials
    ? `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`
    : null;
  const base = new URL(baseUrl);
  // A service behind a path prefix (https://example.org/cipherpad) keeps it.
  const prefix = base.pathname.replace(/\/+$/, '');
  let pool: Pool | null = null;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    extra: { idempotencyKey?: string; waitSeconds?: number } = {},
  ): Promise<T> {
    if (!authorization) throw new KeeperError('ERR_NOT_CONFIGURED');
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (extra.idempotencyKey) headers['idempotency-key'] = extra.idempotencyKey;
    const timeoutMs = ((extra.waitSeconds ?? 0) + 15) * 1000;
    let status: number;
    let text: string;
    try {
      pool ??= new Pool(base.origin, { pipelining: 1 });
      ({ status, text } = await exchange(pool, {
        method,
        path: `${prefix}${path}`,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      }));
    } catch (error) {
      options.onTrouble?.('Cipherpad did not answer', {
        path: path.split('?')[0],
        err: String(error),
      });
      throw new KeeperError('ERR_CIPHERPAD_UNAVAILABLE');
    }
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Handled below: a success must be JSON, a refusal without JSON is "unavailable".
    }
    const ok = status >= 200 && status < 300;
    if (ok && json && typeof json === 'object') return json as T;
    const { error, message, ...details } = (json ?? {}) as Record<string, unknown>;
    if (typeof error === 'string' && PASSED_ON.has(error)) {
      throw new KeeperError(error, {
        status,
        message: typeof message === 'string' ? message : error,
        details,
      });
    }
    options.onTrouble?.('Cipherpad refused a request', {
      path: path.split('?')[0],
      status,
      error,
    });
    throw new KeeperError('ERR_CIPHERPAD_UNAVAILABLE');
  }

  const waitQuery = (waitSeconds?: number) =>
    waitSeconds && waitSeconds > 0 ? `?wait=${Math.min(30, Math.floor(waitSeconds))}` : '';
  const id = (value: string) => encodeURIComponent(value);

  return {
    createConfirmation: (email, operation, idempotencyKey) =>
      call(
        'POST',
        '/v1/confirmations',
        { email, operation },
        idempotencyKey ? { idempotencyKey } : {},
      ),
    verifyConfirmation: (confirmationId, response) =>
      call('POST', `/v1/confirmations/${id(confirmationId)}/verify`, { response }),
    getConfirmation: (confirmationId, waitSeconds, knownChallenge) => {
      const wait = waitQuery(waitSeconds);
      const known =
        wait && knownChallenge ? `&challenge=${encodeURIComponent(knownChallenge)}` : '';
      return call('GET', `/v1/confirmations/${id(confirmationId)}${wait}${known}`, undefined, {
        waitSeconds: waitSeconds ?? 0,
      });
    },
    createSmsConfirmation: (phone, operation, idempotencyKey) =>
      call(
        'POST',
        '/v1/sms-confirmations',
        { phone, operation },
        idempotencyKey ? { idempotencyKey } : {},
      ),
    verifySmsConfirmation: (confirmationId, code) =>
      call('POST', `/v1/sms-confirmations/${id(confirmationId)}/verify`, { code }),
    getSmsConfirmation: (confirmationId, waitSeconds) =>
      call(
        'GET',
        `/v1/sms-confirmations/${id(confirmationId)}${waitQuery(waitSeconds)}`,
        undefined,
        {
          waitSeconds: waitSeconds ?? 0,
        },
      ),
    async close() {
      const open = pool;
      pool = null;
      await open?.close();
    },
  };
}

/**
 * One request on the pool, its answer read whole as UTF-8 text. Undici's
 * dispatch API with a handler that collects the body's chunks: the same
 * HTTP/1.1 client (parsing, keep-alive, timeouts) as `pool.request`, without
 * a Readable stream and an async resource per response, which cost more
 * than the small JSON answers of the service they would carry.
 */
function exchange(
  pool: Pool,
  options: Dispatcher.DispatchOptions,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let chunks: Buffer[] = [];
    pool.dispatch(options, {
      onRequestStart() {
        // Also called again when undici retries the request on a fresh connection.
        status = 0;
        chunks = [];
      },
      onResponseStart(_controller, statusCode) {
        // Called once per 1xx answer, then for the final one.
        status = statusCode;
        chunks = [];
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        resolve({ status, text: body.toString('utf8') });
      },
      onResponseError(_controller, error) {
        reject(error);
      },
    });
  });
}
