import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clock,
  defaultPolicy,
  loadConfig,
  type Policy,
  type Service,
  startService,
} from '@cipherpad/server';

/**
 * The Cipherpad service on its embedded defaults (SQLite in a data folder of
 * its own, outbox delivery, development mode), listening on a free port of
 * 127.0.0.1 in the test's process, with a clock the test can move forward.
 */
export class RunningService {
  readonly url: string;
  /** Milliseconds added to the real time: `advance` moves the service's clock. */
  readonly #offset: { ms: number };
  readonly #service: Service;
  /** The service's data folder (its SQLite file and master key), for operator commands. */
  readonly dataDir: string;

  private constructor(service: Service, url: string, dataDir: string, offset: { ms: number }) {
    this.#service = service;
    this.#offset = offset;
    this.url = url;
    this.dataDir = dataDir;
  }

  /** `policy` changes limits for one test (a short session idle time). */
  static async start(options: { policy?: Partial<Policy> } = {}): Promise<RunningService> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-e2e-'));
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      CIPHERPAD_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      CIPHERPAD_PUBLIC_URL: `${url}/`,
      CIPHERPAD_DATA_DIR: dataDir,
    });
    const offset = { ms: 0 };
    const clock: Clock = { now: () => Date.now() + offset.ms };
    const service = await startService(config, {
      clock,
      // A journey signs in many times from one address within a minute.
      policy: {
        ...defaultPolicy,
        registrationsPerIp: 100,
        activationsPerIp: 100,
        ...options.policy,
      },
      logger: false,
    });
    await service.app.listen({ host: '127.0.0.1', port });
    return new RunningService(service, url, dataDir, offset);
  }

  /** Moves the service's clock forward (the browser's stays where it is). */
  advance(ms: number): void {
    this.#offset.ms += ms;
  }

  /** The API, as JSON, for what a test reads behind the browser's back (the outbox). */
  async getJson<T>(path: string): Promise<T> {
    const answer = await fetch(`${this.url}${path}`);
    if (!answer.ok) throw new Error(`GET ${path} → ${answer.status}: ${await answer.text()}`);
    return (await answer.json()) as T;
  }

  async stop(): Promise<void> {
    await this.#service.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address) resolvePort(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}
