import { createHmac } from 'node:crypto';

/**
 * The `Cipherpad-Signature` header of a webhook call
 * (docs/confirmation-api.md): `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "t.body" under the site's webhook secret>`.
 *
 * @example
 * ```ts
 * signWebhook(secret, body, Math.floor(Date.now() / 1000)); // "t=1790000000,v1=5f…"
 * ```
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** The associated data a webhook secret is sealed with: bound to its site. */
export function webhookSecretContext(clientId: string): string {
  return `site-webhook-secret:${clientId}`;
}
