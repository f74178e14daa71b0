import { Agent, request } from 'undici';
import { CliError } from './cli-error.js';

const TIMEOUT_MS = 30_000;

/**
 * A small JSON client for the Cipherpad service's HTTP API. A refusal (`{ error, message }`
 * with a 4xx or 5xx status) becomes a {@link CliError} carrying the server's code.
 * Call {@link ApiClient.close} when done, so no idle connection keeps the process alive.
 *
 * @example
 * ```ts
 * const api = new ApiClient('http://127.0.0.1:8080');
 * try {
 *   const login = await api.post<{ id: string }>('/v1/logins', { email });
 * } finally {
 *   await api.close();
 * }
 * ```
 */
export class ApiClient {
  /** The base URL, without a trailing slash. */
  readonly server: string;
  readonly #agent = new Agent({ connectTimeout: 10_000 });

  constructor(server: string) {
    this.server = server;
  }

  /** `POST path` with a JSON body; returns the JSON answer. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.#send<T>('POST', path, body);
  }

  /** `GET path`; `query` entries that are undefined are left out. */
  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) search.set(name, String(value));
    }
    const suffix = search.size > 0 ? `?${search}` : '';
    return this.#send<T>('GET', `${path}${suffix}`, undefined);
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #send<T>(method: 'GET' | 'POST', path: string, body: unknown): Promise<T> {
    const url = `${this.server}${path}`;
    let statusCode: number;
    let text: string;
    try {
      const response = await request(url, {
        method,
        dispatcher: this.#agent,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new CliError(
        'ERR_SERVER_UNREACHABLE',
        `cannot reach the server at ${this.server}: ${describeNetworkError(error)}`,
        { cause: error },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CliError(
        'ERR_SERVER_RESPONSE',
        `the server at ${this.server} answered ${method} ${path} with status ${statusCode} and no JSON; is it a Cipherpad service?`,
        { status: statusCode, cause: error },
      );
    }
    if (statusCode >= 200 && statusCode < 300) return json as T;
    throw refusal(json, statusCode, `${method} ${path}`);
  }
}

function refusal(json: unknown, status: number, what: string): CliError {
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const { error, message, ...details } = body;
  if (typeof error !== 'string') {
    return new CliError(
      'ERR_SERVER_RESPONSE',
      `the server answered ${what} with status ${status}`,
      {
        status,
      },
    );
  }
  const text = typeof message === 'string' && message ? message.replace(/\.$/, '') : error;
  const extra: string[] = [];
  if (typeof details.attemptsLeft === 'number') {
    extra.push(`${details.attemptsLeft} attempt${details.attemptsLeft === 1 ? '' : 's'} left`);
  }
  if (typeof details.retryAfter === 'number') {
    extra.push(`try again in ${details.retryAfter} s`);
  }
  const full = extra.length > 0 ? `${text}: ${extra.join(', ')}` : text;
  if (error === 'ERR_SESSION_IDLE' || error === 'ERR_UNAUTHENTICATED') {
    // Say how to get a new session: the code alone does not tell a person what to do.
    return new CliError(error, `${full} (sign in again with: cipherpad login)`, {
      status,
      details,
    });
  }
  return new CliError(error, full, { status, details });
}

function describeNetworkError(error: unknown): string {
  return error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
}
