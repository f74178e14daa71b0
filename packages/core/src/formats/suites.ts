/**
 * The OCRA suite of Authorization mode (RFC 6287): HMAC-SHA-256, 8-digit responses, and a
 * numeric question of up to 8 digits, the challenge the site shows.
 */
export const AUTHORIZATION_SUITE = 'OCRA-1:HOTP-SHA256-8:QN08';

/**
 * The OCRA suite of Payment mode (RFC 6287): HMAC-SHA-256, 8-digit responses, and a
 * hexadecimal question of 64 characters, the SHA-256 of the payment data computed by
 * `paymentQuestion`, which binds the response to the challenge, the amount and the purse.
 */
export const PAYMENT_SUITE = 'OCRA-1:HOTP-SHA256-8:QH64';
