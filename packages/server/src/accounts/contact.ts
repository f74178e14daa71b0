import { ServiceError } from '../errors/service-error.js';

// A practical subset of RFC 5321/5322: one @, a dot-atom local part, and a
// domain of LDH labels with a dot. Quoted local parts are not accepted.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Validates an email address and gives its canonical form (trimmed,
 * lower-case), the form accounts are unique on.
 *
 * @throws ServiceError `ERR_EMAIL_REQUIRED` or `ERR_EMAIL_INVALID`.
 */
export function normalizeEmail(input: unknown): string {
  if (input === undefined || input === null || (typeof input === 'string' && input.trim() === '')) {
    throw new ServiceError('ERR_EMAIL_REQUIRED');
  }
  if (typeof input !== 'string') throw new ServiceError('ERR_EMAIL_INVALID');
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email) || email.split('@')[0]!.length > 64) {
    throw new ServiceError('ERR_EMAIL_INVALID');
  }
  return email;
}

/**
 * Validates a phone number and gives it in E.164 form (`+` and 8 to 15
 * digits). Spaces, dots, dashes and brackets a person types are dropped,
 * and so is a trunk prefix written as `(0)`; the country code is required.
 *
 * @throws ServiceError `ERR_PHONE_REQUIRED` or `ERR_PHONE_INVALID`.
 */
export function normalizePhone(input: unknown): string {
  if (input === undefined || input === null || (typeof input === 'string' && input.trim() === '')) {
    throw new ServiceError('ERR_PHONE_REQUIRED');
  }
  if (typeof input !== 'string') throw new ServiceError('ERR_PHONE_INVALID');
  // "+44 (0) 20 …": the bracketed 0 is the trunk prefix dialled at home, not
  // part of the international number (ITU-T E.123 §7.2), so it goes first.
  const compact = input
    .trim()
    .replace(/\(\s*0\s*\)/g, '')
    .replace(/[\s.()-]/g, '');
  const phone = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (!/^\+[1-9]\d{7,14}$/.test(phone)) throw new ServiceError('ERR_PHONE_INVALID');
  return phone;
}
