/** The contact fields of the registration form. */
export type ContactField = 'email' | 'phone';

/** A refusal code per field: what is wrong with each contact typed. */
export type ContactProblems = Partial<Record<ContactField, string>>;

// The service's rules (`POST /v1/registrations`, docs/errors.md): a practical subset of
// RFC 5321/5322 for the email, E.164 with its country code for the phone. Checked here
// first so a person sees every mistake at once; the service still decides.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * What is wrong with the typed email and phone, each field on its own:
 * `ERR_EMAIL_REQUIRED`/`ERR_EMAIL_INVALID` and `ERR_PHONE_REQUIRED`/`ERR_PHONE_INVALID`,
 * the codes the service answers for the same input. Empty when both look right.
 *
 * @example
 * contactProblems('', '123'); // { email: 'ERR_EMAIL_REQUIRED', phone: 'ERR_PHONE_INVALID' }
 */
export function contactProblems(email: string, phone: string): ContactProblems {
  const problems: { -readonly [K in ContactField]?: string } = {};
  const mail = email.trim().toLowerCase();
  if (!mail) problems.email = 'ERR_EMAIL_REQUIRED';
  else if (mail.length > 254 || !EMAIL.test(mail) || mail.split('@')[0]!.length > 64) {
    problems.email = 'ERR_EMAIL_INVALID';
  }
  const typed = phone.trim();
  // ITU-T E.123 §7.2: a bracketed (0) is the trunk prefix dialled at home; 00 is the "+".
  const compact = typed.replace(/\(\s*0\s*\)/g, '').replace(/[\s.()-]/g, '');
  const e164 = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (!typed) problems.phone = 'ERR_PHONE_REQUIRED';
  else if (!/^\+[1-9]\d{7,14}$/.test(e164)) problems.phone = 'ERR_PHONE_INVALID';
  return problems;
}

/** The field a refusal of `POST /v1/registrations` is about, by its code; null for the form. */
export function fieldOfError(code: string): ContactField | null {
  if (code.startsWith('ERR_EMAIL')) return 'email';
  if (code.startsWith('ERR_PHONE')) return 'phone';
  return null;
}
