import type { LoggerOptions } from 'pino';

/**
 * Logger settings: structured JSON, and nothing secret. Request URLs are
 * logged without their query (an email link carries a token there), bodies
 * are never logged, and credentials in headers are redacted.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
        ip: req.ip,
      }),
    },
  };
}
