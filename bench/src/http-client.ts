// undici is the CLI's HTTP client (packages/cli depends on it; npm hoists it to the root).
import { Pool } from 'undici';

/** A response as the bench needs it: the status and the whole body as text. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * HTTP/1.1 to one server over at most `connections` keep-alive connections,
 * one request at a time on each (no pipelining). With as many connections as
 * clients, each client in effect keeps its own connection, as a browser or a
 * site's backend would.
 *
 * undici rather than `node:http`: on the 2-core machine the load generator
 * shares the CPU with the server, and undici spends about a third of what
 * `node:http` with a keep-alive Agent does per request (measured with the
 * bare-HTTP baseline: ~20,000 vs ~6,700 cycles/s, the client saturated both
 * times), so more of the machine is left to the server under test.
 */
export class HttpClient {
  readonly #pool: Pool;

  constructor(origin: { host: string; port: number }, connections: number) {
    this.#pool = new Pool(`http://${origin.host}:${origin.port}`, {
      connections,
      pipelining: 1,
    });
  }

  /** POSTs `json` (or an empty body when it is undefined) and reads the whole answer. */
  async post(path: string, json?: unknown): Promise<HttpResponse> {
    const answer = await this.#pool.request({
      path,
      method: 'POST',
      ...(json === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
    });
    return { status: answer.statusCode, body: await answer.body.text() };
  }

  /** Closes the connections; requests still running fail. */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
