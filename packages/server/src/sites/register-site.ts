import { randomString } from '@cipherpad/storage';
import type { Kysely } from 'kysely';
import { hashToken } from '../crypto/code-hasher.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/schema.js';
import { webhookSecretContext } from '../webhooks/sign-webhook.js';
import { internalWebhookHost, WEBHOOK_INTERNAL } from '../webhooks/webhook-address.js';

/** A site's display name: 1–64 characters, no control or format characters. */
const SITE_NAME = /^[^\p{Cc}\p{Cf}]{1,64}$/u;

/** What registering a site gives its owner, once: the secrets are not kept in clear. */
export interface RegisteredSite {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly name: string;
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
}

/** A site as the operator's listing shows it (no secret). */
export interface SiteListing {
  readonly clientId: string;
  readonly name: string;
  readonly webhookUrl: string | null;
  readonly createdAt: number;
}

/** A site's registration was refused; the message says why, `code` is stable when set. */
export class SiteInputError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'SiteInputError';
    this.code = code;
  }
}

/**
 * Registers a relying site (docs/confirmation-api.md): a client id
 * (`cps_` + 22 base64url characters), a 256-bit client secret stored as its
 * SHA-256, and optionally a webhook URL with its own secret, sealed under the
 * master key because the service signs with it. A webhook URL whose host
 * is an inside address or name (loopback, private, link-local…, see
 * `internalWebhookHost`) is refused with `ERR_WEBHOOK_URL_INTERNAL` unless
 * the operator allows it; every delivery checks the resolved address again.
 *
 * @throws SiteInputError for a bad name or webhook URL.
 */
export async function registerSite(
  deps: {
    db: Kysely<Database>;
    secrets: SecretBox;
    now: number;
    /** The operator allows webhooks to inside addresses (`WEBHOOK_ALLOW_INTERNAL`). */
    allowInternalWebhooks?: boolean;
  },
  input: { name: string; webhookUrl?: string | undefined },
): Promise<RegisteredSite> {
  const name = input.name.trim();
  if (!SITE_NAME.test(name)) {
    throw new SiteInputError('--name must be 1 to 64 characters, without control characters');
  }
  const webhookUrl = input.webhookUrl?.trim() || undefined;
  if (webhookUrl !== undefined) assertWebhookUrl(webhookUrl, deps.allowInternalWebhooks ?? false);
  const clientId = `cps_${randomString(16, 'base64url')}`;
  const clientSecret = randomString(32, 'base64url');
  const webhookSecret = webhookUrl === undefined ? undefined : randomString(32, 'base64url');
  await deps.db
    .insertInto('sites')
    .values({
      id: clientId,
      name,
      secret_hash: hashToken(clientSecret),
      webhook_url: webhookUrl ?? null,
      webhook_secret_enc:
        webhookSecret === undefined
          ? null
          : deps.secrets.seal(
              new TextEncoder().encode(webhookSecret),
              webhookSecretContext(clientId),
            ),
      status: 'active',
      created_at: deps.now,
    })
    .execute();
  return {
    clientId,
    clientSecret,
    name,
    ...(webhookUrl === undefined ? {} : { webhookUrl, webhookSecret }),
  };
}

/** The active sites, oldest first. */
export async function listSites(db: Kysely<Database>): Promise<SiteListing[]> {
  const rows = await db
    .selectFrom('sites')
    .select(['id', 'name', 'webhook_url', 'created_at'])
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    clientId: row.id,
    name: row.name,
    webhookUrl: row.webhook_url,
    createdAt: row.created_at,
  }));
}

/** Whether a client id names an active site. */
export async function isSiteActive(db: Kysely<Database>, clientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('sites')
    .select('id')
    .where('id', '=', clientId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Removes a site: its credentials stop working at once. The row stays (as
 * `removed`) for the confirmations and consents that name it.
 *
 * @returns false when no active site has this client id.
 */
export async function removeSite(db: Kysely<Database>, clientId: string): Promise<boolean> {
  const result = await db
    .updateTable('sites')
    .set({ status: 'removed' })
    .where('id', '=', clientId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function assertWebhookUrl(value: string, allowInternal: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SiteInputError('--webhook-url is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SiteInputError('--webhook-url must be an https: or http: URL');
  }
  if (url.username || url.password) {
    throw new SiteInputError('--webhook-url must not carry credentials');
  }
  if (value.length > 2048) throw new SiteInputError('--webhook-url is longer than 2048 characters');
  const inside = allowInternal ? null : internalWebhookHost(url);
  if (inside) {
    throw new SiteInputError(
      `${WEBHOOK_INTERNAL}: --webhook-url must reach a public address (${inside}); ` +
        'set WEBHOOK_ALLOW_INTERNAL=true to allow inside addresses',
      WEBHOOK_INTERNAL,
    );
  }
}
