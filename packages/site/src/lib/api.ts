import { ApiError } from './api-error.js';

let csrfToken: string | null = null;

/** Keeps the session's CSRF token in memory (never in storage) for later requests. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Headers of a request the page makes by itself (a timer, a poll): the
 * service does not count it as the person's activity, so a page left open
 * does not keep its session alive (docs/web-api.md, sessions).
 */
export const BACKGROUND: Readonly<Record<string, string>> = { 'x-background-request': '1' };

/** Options of one API call. */
export interface CallOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

async function send(method: string, path: string, options: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  try {
    return await fetch(path, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError('ERR_NETWORK', 0);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const type = response.headers.get('content-type') ?? '';
  let json: unknown;
  if (type.includes('application/json')) {
    try {
      json = await response.json();
    } catch {
      throw new ApiError('ERR_BAD_RESPONSE', response.status);
    }
  }
  if (response.ok) {
    if (json === undefined && response.status !== 204) {
      throw new ApiError('ERR_BAD_RESPONSE', response.status);
    }
    return (json ?? {}) as T;
  }
  if (json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string') {
    const { error, message: _message, ...details } = json as Record<string, unknown>;
    throw new ApiError(error as string, response.status, details);
  }
  throw new ApiError(
    response.status >= 500 ? 'ERR_UNAVAILABLE' : 'ERR_BAD_RESPONSE',
    response.status,
  );
}

/**
 * Calls the service's JSON API on the same origin. A refusal throws
 * `ApiError` with the service's code; a stale CSRF token is refreshed from
 * `GET /v1/session` once and the call repeated.
 */
export async function api<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  try {
    return await parse<T>(response);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'ERR_CSRF') throw error;
    const session = await parse<{ csrfToken?: string }>(await send('GET', '/v1/session', {}));
    if (!session.csrfToken) throw error;
    setCsrfToken(session.csrfToken);
    return parse<T>(await send(method, path, options));
  }
}
