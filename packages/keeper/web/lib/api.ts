let csrfToken: string | null = null;

/** Keeps the session's CSRF token in memory for the requests that change something. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Headers of a request the page makes by itself (a long poll, a timer): the
 * keeper does not count it as the person's activity, so a page left open
 * does not keep its session alive.
 */
export const BACKGROUND: Readonly<Record<string, string>> = { 'x-background-request': '1' };

/** A refusal of the keeper's API: its stable code and details. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(code: string, status: number, details: Record<string, unknown> = {}) {
    super(code);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Calls the keeper's JSON API on the same origin; a refusal throws `ApiError`. */
export async function api<T>(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (method === 'POST' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError('ERR_NETWORK', 0);
  }
  let json: unknown = null;
  try {
    json = response.status === 204 ? {} : await response.json();
  } catch {
    throw new ApiError('ERR_NETWORK', response.status);
  }
  if (response.ok) return json as T;
  const { error, message: _message, ...details } = (json ?? {}) as Record<string, unknown>;
  throw new ApiError(typeof error === 'string' ? error : 'ERR_NETWORK', response.status, details);
}
