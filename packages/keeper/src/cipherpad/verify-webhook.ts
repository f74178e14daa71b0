import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old a webhook's timestamp may be (docs/confirmation-api.md: 5 minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Whether `Cipherpad-Signature: t=<unix seconds>,v1=<hex>` signs `body` with
 * the site's webhook secret: HMAC-SHA256 over `t + "." + body`, compared in
 * constant time, with `t` at most 5 minutes away from now.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  body: string,
  secret: string,
  nowMs: number,
): boolean {
  if (!header || header.length > 1024) return false;
  let t = '';
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value) t = value;
    else if (name === 'v1' && value) signatures.push(value);
  }
  if (!/^\d{1,12}$/.test(t) || signatures.length === 0) return false;
  if (Math.abs(nowMs / 1000 - Number(t)) > WEBHOOK_TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return signatures.some((signature) => {
    if (!/^[0-9a-f]{64}$/.test(signature)) return false;
    return timingSafeEqual(Buffer.from(signature, 'hex'), expected);
  });
}

/** The signature header Cipherpad sends, for tests and the fake service. */
export function signWebhook(body: string, secret: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
