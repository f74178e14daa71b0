export { buildApp } from './app/build-app.js';
export { type Clock, systemClock } from './clock.js';
export { type Config, ConfigError, loadConfig } from './config/config.js';
export {
  type DatabaseHandle,
  type DatabaseLocation,
  type Dialect,
  openDatabase,
} from './db/database.js';
export { migrate } from './db/migrate.js';
export type { Transports } from './delivery/delivery.js';
export type { OutgoingMessage, Transport } from './delivery/transport.js';
export { ERROR_CODES, type ErrorCode } from './errors/error-codes.js';
export { ServiceError } from './errors/service-error.js';
export { defaultPolicy, type Policy } from './policy.js';
export { type Service, startService } from './start-service.js';
