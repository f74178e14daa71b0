import { AppError } from '../app-error.js';
import { type DeviceSigner, deviceAuthorization } from '../device/device-auth.js';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

// The service refuses a device signature whose ts is more than 120 s off its clock; a phone's
// clock may be wrong by more, so the client follows the service's Date header beyond this.
const CLOCK_TOLERANCE_MS = 60_000;

/**
 * The app's client of the service's JSON API (same origin: `/v1/...`). A refusal
 * (`{ error, message, ...details }`) becomes an {@link AppError} with the service's code; no
 * answer at all is `ERR_NETWORK`. Device requests are signed (`docs/web-api.md`, "Device
 * authentication").
 */
export class ApiClient {
  readonly #base: string;
  readonly #fetch: Fetch;
  readonly #now: () => number;
  /** Milliseconds to add to the local clock to get the service's, from its Date header. */
  #clockOffset = 0;

  constructor(options: { base?: string; fetch?: Fetch; now?: () => number } = {}) {
    this.#base = options.base ?? '';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#now = options.now ?? Date.now;
  }

  /** `GET path`, signed by `signer` when given; the JSON answer. */
  get<T>(path: string, signer?: DeviceSigner): Promise<T> {
    return this.#json<T>('GET', path, undefined, signer);
  }

  /** `POST path` with a JSON body, signed by `signer` when given; the JSON answer. */
  post<T>(path: string, body: unknown, signer?: DeviceSigner): Promise<T> {
    return this.#json<T>('POST', path, body, signer);
  }

  /**
   * Opens a signed `GET` whose answer is read as a stream (the device's event stream); the
   * response is returned once its status is 2xx.
   */
  async stream(path: string, signer: DeviceSigner, signal: AbortSignal): Promise<Response> {
    const response = await this.#send('GET', path, undefined, signer, signal, 'text/event-stream');
    if (!response.ok) throw await refusal(response);
    return response;
  }

  async #json<T>(
    method: string,
    path: string,
    body: unknown,
    signer: DeviceSigner | undefined,
  ): Promise<T> {
    const response = await this.#send(method, path, body, signer, undefined, 'application/json');
    if (!response.ok) throw await refusal(response);
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw new AppError('ERR_SERVER_RESPONSE', `${method} ${path}: the answer is not JSON`, {
        status: response.status,
        cause: error,
      });
    }
  }

  async #send(
    method: string,
    path: string,
    body: unknown,
    signer: DeviceSigner | undefined,
    signal: AbortSignal | undefined,
    accept: string,
  ): Promise<Response> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const bytes = new TextEncoder().encode(text ?? '');
    const headers: Record<string, string> = { accept };
    if (text !== undefined) headers['content-type'] = 'application/json';
    if (signer !== undefined) {
      const ts = Math.round(this.#now() + this.#clockOffset);
      headers.authorization = await deviceAuthorization(signer, method, path, ts, bytes);
    }
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers,
        cache: 'no-store',
        credentials: 'same-origin',
        ...(text === undefined ? {} : { body: bytes }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new AppError('ERR_NETWORK', `${method} ${path}: no answer`, { cause: error });
    }
    this.#followClock(response);
    return response;
  }

  #followClock(response: Response): void {
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isNaN(date)) return;
    // The Date header has one-second resolution: only a larger difference is a wrong clock.
    const offset = date - this.#now();
    this.#clockOffset = Math.abs(offset) > CLOCK_TOLERANCE_MS ? offset : 0;
  }
}

async function refusal(response: Response): Promise<AppError> {
  let body: Record<string, unknown> = {};
  try {
    const json: unknown = await response.json();
    if (typeof json === 'object' && json !== null) body = json as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status alone says what happened.
  }
  const { error, message, ...details } = body;
  const code =
    typeof error === 'string' && error.startsWith('ERR_') ? error : statusCode(response.status);
  return new AppError(code, typeof message === 'string' ? message : `HTTP ${response.status}`, {
    status: response.status,
    details,
  });
}

function statusCode(status: number): string {
  if (status === 429) return 'ERR_RATE_LIMITED_IP';
  if (status >= 500) return 'ERR_UNAVAILABLE';
  return 'ERR_SERVER_RESPONSE';
}
