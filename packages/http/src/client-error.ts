import type { Socket } from 'node:net';

/** The codes {@link clientErrorAnswer} answers with, as an app's code table holds them. */
export type ClientErrorCode = 'ERR_VALIDATION' | 'ERR_REQUEST_TIMEOUT' | 'ERR_HEADERS_TOO_LARGE';

/**
 * Fastify's `clientErrorHandler` for an app whose codes are `codes`: what
 * Node's HTTP parser refuses before any route sees it (an unknown method, a
 * NUL or a line break in a header, headers over 16 KiB, a request too slow
 * to arrive) is answered in the app's shape, `{ error, message }`, with a
 * documented code, and the connection closed.
 */
export function clientErrorAnswer(
  codes: Readonly<Record<ClientErrorCode, { readonly status: number; readonly message: string }>>,
): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const code = BY_NODE_CODE[error.code ?? ''] ?? 'ERR_VALIDATION';
    const { status, message } = codes[code];
    const body = JSON.stringify({ error: code, message });
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

/** Node's codes for what it refuses, and ours. */
const BY_NODE_CODE: Readonly<Record<string, ClientErrorCode>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'ERR_REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'ERR_HEADERS_TOO_LARGE',
};

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
