/**
 * Every error code the service answers with, its HTTP status and the default
 * message. `docs/errors.md` documents each; `errors.test.ts` keeps the two in sync.
 */
export const ERROR_CODES = {
  ERR_VALIDATION: { status: 400, message: 'The request is malformed.' },
  ERR_NOT_FOUND: { status: 404, message: 'No such resource.' },
  ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'This path does not take this method: see the Allow header.',
  },
  ERR_URL_INVALID: { status: 400, message: 'The URL is not validly percent-encoded UTF-8.' },
  ERR_URI_TOO_LONG: { status: 414, message: 'A part of the URL is too long.' },
  ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  ERR_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json.' },
  ERR_INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  ERR_UNAVAILABLE: { status: 503, message: 'The service is not ready.' },

  ERR_EMAIL_REQUIRED: { status: 400, message: 'An email address is required.' },
  ERR_EMAIL_INVALID: { status: 400, message: 'The email address is not valid.' },
  ERR_EMAIL_TAKEN: { status: 409, message: 'An account with this email address already exists.' },
  ERR_PHONE_REQUIRED: { status: 400, message: 'A phone number is required.' },
  ERR_PHONE_INVALID: {
    status: 400,
    message: 'The phone number is not valid: use the international form, as in +44 20 7946 0958.',
  },
  ERR_PHONE_TAKEN: { status: 409, message: 'An account with this phone number already exists.' },
  ERR_RATE_LIMITED_IP: {
    status: 429,
    message: 'Too many requests from this address in the last minute. Try again shortly.',
  },
  ERR_RATE_LIMITED_FAILURES: {
    status: 429,
    message: 'Too many wrong responses from this address. Try again later.',
  },
  ERR_RATE_LIMITED_ADDRESS: {
    status: 429,
    message: 'Too many requests for this email or phone in the last minute. Try again shortly.',
  },
  ERR_REGISTRATION_NOT_FOUND: { status: 404, message: 'No such registration.' },
  ERR_REGISTRATION_CLOSED: {
    status: 410,
    message: 'This registration is finished, expired or had too many wrong codes. Start again.',
  },
  ERR_CODE_INVALID: { status: 400, message: 'The code is not correct.' },
  ERR_CODE_EXPIRED: { status: 410, message: 'The code has expired. Start again to get a new one.' },
  ERR_LINK_INVALID: { status: 400, message: 'This verification link is not valid or has expired.' },

  ERR_ACTIVATION_FAILED: {
    status: 400,
    message: 'The email or the activation code is not correct, or the code has expired.',
  },

  ERR_LOGIN_NOT_FOUND: { status: 404, message: 'No such login.' },
  ERR_CHALLENGE_EXPIRED: { status: 410, message: 'The challenge has expired. Start again.' },
  ERR_CHALLENGE_CLOSED: {
    status: 410,
    message: 'The challenge has already been used or had too many wrong responses. Start again.',
  },
  ERR_RESPONSE_REJECTED: { status: 401, message: 'The response is not correct.' },
  ERR_ACCOUNT_BLOCKED: {
    status: 423,
    message:
      'Too many failed attempts: typed responses and codes are blocked for a while. Wait until the block ends, or approve the request online in the Cipherpad app, which ends it.',
  },
  ERR_ACCOUNT_LOCKED: {
    status: 423,
    message:
      'The account is locked for typed responses and codes. After repeated failed attempts, approving a sign-in online in the Cipherpad app on an activated device unlocks it; if no device is left, contact the operator.',
  },

  ERR_UNAUTHENTICATED: {
    status: 401,
    message: 'Sign in first: the session is missing or expired.',
  },
  ERR_SESSION_IDLE: {
    status: 401,
    message: 'The session ended after a time without a request. Sign in again.',
  },
  ERR_CSRF: {
    status: 403,
    message: 'The X-CSRF-Token header is missing or does not belong to this session.',
  },

  ERR_WAIT_TOKEN_INVALID: {
    status: 403,
    message: 'The X-Wait-Token header is missing or does not belong to this request.',
  },
  ERR_LOGIN_PENDING: {
    status: 409,
    message: 'The request has not been approved in the app yet.',
  },
  ERR_DEVICE_AUTH: {
    status: 401,
    message: 'The device signature is missing, wrong, stale or used, or the device is not active.',
  },

  ERR_REGISTRATION_INCOMPLETE: {
    status: 409,
    message: 'Verify the email and the phone first: the account does not exist yet.',
  },
  ERR_DEVICE_NOT_FOUND: { status: 404, message: 'No such device on this account.' },
  ERR_CHANGE_NOT_FOUND: { status: 404, message: 'No such confirmation change on this account.' },
  ERR_OPERATION_CONFIRMATION_REQUIRED: {
    status: 403,
    message:
      'Confirm this operation with an activated device first (or the SMS code if none is left).',
  },
  ERR_OPERATION_CONFIRMATION_INVALID: {
    status: 403,
    message:
      'This confirmation is not valid for this operation: it is unknown, for another operation or device, used or expired. Confirm again.',
  },

  ERR_SITE_AUTH: {
    status: 401,
    message: "The site's client id or secret is missing or wrong (HTTP Basic authentication).",
  },
  ERR_RATE_LIMITED_SITE: {
    status: 429,
    message: 'Too many requests from this site in the last minute. Try again shortly.',
  },
  ERR_CONFIRMATION_NOT_FOUND: { status: 404, message: 'No such confirmation.' },
  ERR_CONSENT_REQUIRED: {
    status: 403,
    message: 'The person has not yet allowed this site to ask for confirmations: see confirmUrl.',
  },
  ERR_IDEMPOTENCY_CONFLICT: {
    status: 409,
    message: 'This Idempotency-Key was already used with another request.',
  },
  ERR_SMS_DAILY_LIMIT: {
    status: 429,
    message: 'This phone has had its SMS confirmations for the day. Try again later.',
  },
  ERR_PAGE_TOKEN_INVALID: {
    status: 403,
    message: 'The X-Page-Token header is missing or does not belong to this confirmation.',
  },
  ERR_CONFIRMATION_ACCOUNT_MISMATCH: {
    status: 403,
    message: 'The signed-in account is not the one this confirmation is for.',
  },
  ERR_CONFIRMATION_BOUND: {
    status: 409,
    message: 'This confirmation already belongs to an account.',
  },
  ERR_ACCOUNT_NOT_READY: {
    status: 409,
    message: 'There is no account with an activated app for this email yet.',
  },
  ERR_SITE_NOT_FOUND: { status: 404, message: 'No consent to this site on the account.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code the service may answer with. */
export type ErrorCode = keyof typeof ERROR_CODES;
