import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import {
  checkedLookup,
  InternalWebhookAddressError,
  isInternalAddress,
  type Resolver,
} from './webhook-address.js';

/** Where and how a webhook may connect. */
export interface WebhookNetwork {
  /** Resolves the webhook's host; the system resolver in production. */
  readonly resolve: Resolver;
  /** The operator allows loopback, private and other inside addresses (`WEBHOOK_ALLOW_INTERNAL`). */
  readonly allowInternal: boolean;
}

/**
 * POSTs one webhook call and answers the HTTP status. The host is checked
 * where the connection is made: an address literal before connecting, a
 * name by the `lookup` the socket uses (see `checkedLookup`), so the
 * address checked is the address connected to. Redirects are not followed
 * (a 3xx is a failed delivery); the response body is not read.
 *
 * @throws InternalWebhookAddressError when the host is, or resolves to, an
 *   inside address the operator did not allow; a network error or
 *   `TimeoutError` otherwise.
 */
export function postWebhook(
  url: string,
  call: { headers: Record<string, string>; body: string; timeoutMs: number },
  network: WebhookNetwork,
): Promise<number> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !network.allowInternal && isInternalAddress(host)) {
    return Promise.reject(new InternalWebhookAddressError(`${host} is not a public address`));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = Buffer.from(call.body);
  return new Promise((resolve, reject) => {
    const outgoing = send(
      target,
      {
        method: 'POST',
        headers: { ...call.headers, 'content-length': String(body.length) },
        lookup: checkedLookup(network.resolve, network.allowInternal),
        signal: AbortSignal.timeout(call.timeoutMs),
        agent: false,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    outgoing.on('error', (error) => {
      reject(error.name === 'AbortError' ? Object.assign(error, { name: 'TimeoutError' }) : error);
    });
    outgoing.end(body);
  });
}
