import type { OutgoingMessage, Transport } from './transport.js';

/**
 * SMS through an HTTP gateway: `POST url` with the JSON body `{ to, text }` and,
 * when a token is set, `Authorization: Bearer <token>`. Any 2xx is accepted.
 */
export function createHttpSmsTransport(url: string, token?: string): Transport {
  return {
    async send(message: OutgoingMessage) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ to: message.recipient, text: message.body }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
    },
  };
}
