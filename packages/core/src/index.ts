export { CipherpadError } from './errors.js';
export { canonicalAmount, MAX_AMOUNT_LENGTH } from './formats/amount.js';
export { base64UrlDecode, base64UrlEncode } from './formats/base64url.js';
export {
  CHALLENGE_DIGITS,
  generateChallenge,
  normalizeChallenge,
  type RandomSource,
} from './formats/challenge.js';
export { type PaymentData, paymentQuestion, type Sha256 } from './formats/payment-question.js';
export { formatPurse, type Purse, parsePurse } from './formats/purse.js';
export type {
  QrActivateRequest,
  QrLoginRequest,
  QrPaymentRequest,
  QrRequest,
} from './formats/qr-request.js';
export { type FormatQrUriOptions, formatQrUri, parseQrUri } from './formats/qr-uri.js';
export { AUTHORIZATION_SUITE, PAYMENT_SUITE } from './formats/suites.js';
export {
  type DeriveOcraKeyParams,
  deriveOcraKey,
  deriveOcraKeyBytes,
  OCRA_KEY_LENGTH,
} from './keys/derive-ocra-key.js';
export { createDeviceKeyPair, exportPublicKey, importPublicKey } from './keys/device-keys.js';
export {
  createSigningKeyPair,
  exportSigningPublicKey,
  importSigningPublicKey,
} from './keys/signing-keys.js';
export { generateOcra, type OcraInputs } from './ocra/generate-ocra.js';
export type { HmacKey } from './ocra/hmac-key.js';
export { type OcraHash, type OcraSuite, parseOcraSuite } from './ocra/ocra-suite.js';
export { verifyOcra } from './ocra/verify-ocra.js';
export {
  type ComputeResponseOptions,
  computeResponse,
  type ResponseRequest,
} from './respond/compute-response.js';
export { constantTimeEqual } from './util/constant-time.js';
export { bytesToHex, hexToBytes } from './util/hex.js';
