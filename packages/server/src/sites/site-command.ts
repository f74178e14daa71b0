import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { loadMasterKey } from '../crypto/master-key.js';
import { SecretBox } from '../crypto/secret-box.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import {
  isSiteActive,
  listSites,
  registerSite,
  removeSite,
  SiteInputError,
} from './register-site.js';

/** A usage or input error of the `site` command: printed as one line, exit status 2. */
export class SiteCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteCommandError';
  }
}

const USAGE =
  'usage: site add --name NAME [--webhook-url URL] [--if-missing --out FILE] | site list | site remove --client-id ID';

/**
 * The operator's `site` command (docs/confirmation-api.md): registers, lists
 * and removes relying sites in the service's database, with the service's
 * configuration. Prints one JSON value.
 *
 * `site add --if-missing --out FILE` is for launchers: when FILE holds the
 * credentials of a registered site it does nothing; otherwise it registers
 * the site and writes its credentials to FILE (mode 0600), printing only the
 * client id.
 *
 * @returns the JSON to print.
 * @throws SiteCommandError for bad arguments or an unknown site.
 */
export async function siteCommand(args: readonly string[], config: Config): Promise<unknown> {
  const [action, ...rest] = args;
  let values: {
    name?: string;
    'webhook-url'?: string;
    'client-id'?: string;
    out?: string;
    'if-missing'?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        name: { type: 'string' },
        'webhook-url': { type: 'string' },
        'client-id': { type: 'string' },
        out: { type: 'string' },
        'if-missing': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new SiteCommandError(`${(error as Error).message}\n${USAGE}`);
  }
  if (action !== 'add' && action !== 'list' && action !== 'remove') {
    throw new SiteCommandError(USAGE);
  }
  if (action === 'add' && !values.name) throw new SiteCommandError(`--name is required\n${USAGE}`);
  if (action === 'remove' && !values['client-id']) {
    throw new SiteCommandError(`--client-id is required\n${USAGE}`);
  }
  if (values['if-missing'] && !values.out) {
    throw new SiteCommandError(`--if-missing needs --out FILE\n${USAGE}`);
  }

  const handle = openDatabase(config.database, () => {});
  try {
    await migrate(handle.db, handle.dialect);
    if (action === 'list') return await listSites(handle.db);
    if (action === 'remove') {
      const clientId = values['client-id'] as string;
      if (!(await removeSite(handle.db, clientId))) {
        throw new SiteCommandError(`no active site with client id ${clientId}`);
      }
      return { clientId, removed: true };
    }

    const out = values.out;
    if (out && values['if-missing'] && existsSync(out)) {
      const kept = readCredentials(out);
      if (kept && (await isSiteActive(handle.db, kept))) return { clientId: kept, created: false };
    }
    const secrets = new SecretBox(loadMasterKey(config.masterKey, config.dataDir));
    let site: Awaited<ReturnType<typeof registerSite>>;
    try {
      site = await registerSite(
        {
          db: handle.db,
          secrets,
          now: Date.now(),
          allowInternalWebhooks: config.webhookAllowInternal,
        },
        { name: values.name as string, webhookUrl: values['webhook-url'] },
      );
    } catch (error) {
      if (error instanceof SiteInputError) throw new SiteCommandError(error.message);
      throw error;
    }
    if (!out) return site;
    // Written whole, owner-only, then renamed into place: a reader never sees half a file.
    const temporary = `${out}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(site, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, out);
    return { clientId: site.clientId, created: true, out };
  } finally {
    await handle.close();
  }
}

function readCredentials(file: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { clientId?: unknown };
    return typeof parsed.clientId === 'string' ? parsed.clientId : null;
  } catch {
    return null;
  }
}
