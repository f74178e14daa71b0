import { connect, type Socket } from 'node:net';

/** A response as the bench needs it: the status and the whole body as text. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * HTTP/1.1 to one server over at most `connections` keep-alive connections,
 * one request at a time on each (no pipelining). With as many connections as
 * clients, each client in effect keeps its own connection, as a browser or a
 * site's backend would.
 *
 * A load generator of its own, as wrk is, rather than a general HTTP client:
 * on the 2-core machine it shares the CPU with the server under test, so
 * every microsecond it spends is taken from the server. It writes each
 * request as one prepared string and reads answers framed by
 * `Content-Length`, which is all Cipherpad and the bare baseline send (a
 * chunked or unframed answer fails the request, loudly). Measured with the
 * bare-HTTP baseline, it spends about 45% of the CPU per request that
 * undici's Pool did (47 vs 105 µs per two-request cycle, the load generator
 * near saturation both times), and undici spent a third of `node:http`.
 */
export class HttpClient {
  readonly #host: string;
  readonly #port: number;
  readonly #limit: number;
  readonly #idle: Connection[] = [];
  readonly #waiting: ((connection: Connection) => void)[] = [];
  readonly #all = new Set<Connection>();
  #opened = 0;
  #closed = false;

  constructor(origin: { host: string; port: number }, connections: number) {
    this.#host = origin.host;
    this.#port = origin.port;
    this.#limit = connections;
  }

  /**
   * POSTs `json` (or an empty body when it is undefined) and reads the whole
   * answer. `headers` are extra header lines, prepared once by the caller,
   * each ending in CRLF (`cookie: …\r\nx-csrf-token: …\r\n`).
   */
  async post(path: string, json?: unknown, headers = ''): Promise<HttpResponse> {
    const body = json === undefined ? '' : JSON.stringify(json);
    const head =
      `POST ${path} HTTP/1.1\r\nhost: ${this.#host}:${this.#port}\r\n${headers}` +
      (body ? 'content-type: application/json\r\n' : '') +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const connection = await this.#acquire();
    try {
      const answer = await connection.exchange(head + body);
      this.#release(connection);
      return answer;
    } catch (error) {
      this.#discard(connection);
      throw error;
    }
  }

  /** Closes the connections; requests still running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const connection of this.#all) connection.destroy();
    this.#all.clear();
    this.#idle.length = 0;
  }

  #acquire(): Promise<Connection> {
    if (this.#closed) return Promise.reject(new Error('the HTTP client is closed'));
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#opened < this.#limit) {
      this.#opened += 1;
      const connection = new Connection(this.#host, this.#port);
      this.#all.add(connection);
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(connection: Connection): void {
    const next = this.#waiting.shift();
    if (next) next(connection);
    else this.#idle.push(connection);
  }

  #discard(connection: Connection): void {
    connection.destroy();
    this.#all.delete(connection);
    this.#opened -= 1;
    // Someone waiting gets a fresh connection in place of the broken one.
    const next = this.#waiting.shift();
    if (next) {
      this.#opened += 1;
      const fresh = new Connection(this.#host, this.#port);
      this.#all.add(fresh);
      next(fresh);
    }
  }
}

/** One keep-alive connection, carrying one exchange at a time. */
class Connection {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: { resolve(answer: HttpResponse): void; reject(error: Error): void } | null = null;
  #failure: Error | null = null;

  constructor(host: string, port: number) {
    this.#socket = connect({ host, port, noDelay: true });
    this.#socket.on('data', (chunk) => this.#onData(chunk));
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('close', () => this.#fail(new Error('connection closed by the server')));
  }

  exchange(request: string): Promise<HttpResponse> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(request);
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headerEnd = this.#buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#buffer.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    // 204 and 304 never have a body (RFC 9110 §6.4.1).
    const length = status === 204 || status === 304 ? 0 : contentLength(head);
    if (length === null) {
      this.#fail(new Error(`HTTP ${status} answer without Content-Length`));
      return;
    }
    const bodyStart = headerEnd + 4;
    if (this.#buffer.length < bodyStart + length) return;
    if (this.#buffer.length > bodyStart + length) {
      this.#fail(new Error('bytes after the answer on a connection with one request'));
      return;
    }
    const body = this.#buffer.toString('utf8', bodyStart, bodyStart + length);
    this.#buffer = Buffer.alloc(0);
    const pending = this.#pending;
    this.#pending = null;
    pending?.resolve({ status, body });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = null;
    pending?.reject(error);
  }
}

/** The Content-Length of a response head, or null when it has none (or is chunked). */
function contentLength(head: string): number | null {
  const lower = head.toLowerCase();
  if (lower.includes('\r\ntransfer-encoding:')) return null;
  const at = lower.indexOf('\r\ncontent-length:');
  if (at < 0) return null;
  const end = lower.indexOf('\r\n', at + 17);
  const value = Number(lower.slice(at + 17, end < 0 ? undefined : end).trim());
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}
