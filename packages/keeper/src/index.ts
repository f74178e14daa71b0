export { buildApp } from './app/build-app.js';
export {
  type Cipherpad,
  type ConfirmationOperation,
  type ConfirmationState,
  type CreatedConfirmation,
  createCipherpadClient,
} from './cipherpad/cipherpad-client.js';
export { signWebhook, verifyWebhookSignature } from './cipherpad/verify-webhook.js';
export type { Clock } from './clock.js';
export { type KeeperConfig, KeeperConfigError, loadKeeperConfig } from './config/config.js';
export { type DatabaseLocation, openDatabase } from './db/database.js';
export { KEEPER_ERRORS, KeeperError } from './errors.js';
export { auditLedger } from './ledger/audit-ledger.js';
export { createTransfer } from './ledger/create-transfer.js';
export { CURRENCIES, formatAmount, parseAmount } from './ledger/money.js';
export { cancelTransfer, commitTransfer } from './ledger/settle-transfer.js';
export { type Keeper, startKeeper } from './start-keeper.js';
