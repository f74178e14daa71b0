import type { Config } from './config/config.js';

/**
 * One line that tells an operator why the service could not start, for the
 * failures that come from its surroundings rather than from a bug: the
 * database out of reach, the port taken. Anything else gives `null`, and the
 * caller prints the whole error.
 */
export function describeStartupError(error: unknown, config: Config): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  const database =
    config.database.dialect === 'postgres' ? 'the PostgreSQL server of DATABASE_URL' : null;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${config.port} on ${config.host} is already in use (set PORT to another one)`;
    case 'EACCES':
      return `no permission: ${error.message}`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return database ? `cannot reach ${database}: ${error.message}` : null;
    // PostgreSQL's SQLSTATEs: invalid_catalog_name, invalid_password,
    // invalid_authorization_specification.
    case '3D000':
    case '28P01':
    case '28000':
      return database ? `${database} refused the connection: ${error.message}` : null;
    default:
      return null;
  }
}
