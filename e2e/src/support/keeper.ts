import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Keeper, loadKeeperConfig, startKeeper } from '@cipherpad/keeper';
import { freePort, type RunningService } from './service.js';

const SERVER_MAIN = resolve(import.meta.dirname, '../../../packages/server/dist/main.js');

/**
 * The demo keeper beside a running service, set up as `npm start` does it:
 * the operator registers it as a site with the service's own command
 * (`site add --if-missing --out`), and the keeper reads its credentials from
 * that file. Its own SQLite database in a folder of its own.
 */
export class RunningKeeper {
  readonly url: string;
  readonly #keeper: Keeper;
  readonly #dataDir: string;

  private constructor(keeper: Keeper, url: string, dataDir: string) {
    this.#keeper = keeper;
    this.url = url;
    this.#dataDir = dataDir;
  }

  /** `env` adds settings of the keeper's own (a short `KEEPER_SESSION_IDLE_SECONDS`). */
  static async start(
    service: RunningService,
    env: Readonly<Record<string, string>> = {},
  ): Promise<RunningKeeper> {
    const dataDir = mkdtempSync(join(tmpdir(), 'cipherpad-keeper-'));
    const siteFile = join(dataDir, 'keeper-site.json');
    // Asynchronously: the service runs in this process, and an event loop
    // blocked in spawnSync could not commit the write group it may have
    // open, so `site add` would wait for the write lock until it timed out.
    try {
      await promisify(execFile)(
        process.execPath,
        [SERVER_MAIN, 'site', 'add', '--name', 'Keeper Demo', '--if-missing', '--out', siteFile],
        {
          env: {
            PATH: process.env.PATH ?? '',
            CIPHERPAD_DATA_DIR: service.dataDir,
            CIPHERPAD_PUBLIC_URL: `${service.url}/`,
            LOG_LEVEL: 'silent',
          },
          encoding: 'utf8',
        },
      );
    } catch (error) {
      throw new Error(`site add failed: ${(error as { stderr?: string }).stderr ?? error}`);
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = loadKeeperConfig({
      KEEPER_ENV: 'development',
      KEEPER_HOST: '127.0.0.1',
      KEEPER_PORT: String(port),
      KEEPER_PUBLIC_URL: `${url}/`,
      KEEPER_DATA_DIR: dataDir,
      KEEPER_SITE_FILE: siteFile,
      CIPHERPAD_URL: service.url,
      ...env,
    });
    const keeper = await startKeeper(config, { logger: false });
    await keeper.app.listen({ host: '127.0.0.1', port });
    return new RunningKeeper(keeper, url, dataDir);
  }

  async stop(): Promise<void> {
    await this.#keeper.close();
    rmSync(this.#dataDir, { recursive: true, force: true });
  }
}
