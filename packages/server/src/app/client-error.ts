import type { Socket } from 'node:net';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any
 * route sees it (an unknown method, a NUL or a line break in a header,
 * headers over 16 KiB, a request too slow to arrive) is answered in the
 * service's shape, `{ error, message }`, with a documented code, and the
 * connection closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = BY_NODE_CODE[error.code ?? ''] ?? 'ERR_VALIDATION';
  const { status, message } = ERROR_CODES[code];
  const body = JSON.stringify({ error: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Node's codes for what it refuses, and ours. */
const BY_NODE_CODE: Readonly<Record<string, ErrorCode>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'ERR_REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'ERR_HEADERS_TOO_LARGE',
};

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
