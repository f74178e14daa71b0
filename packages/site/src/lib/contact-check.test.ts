import { describe, expect, it } from 'vitest';
import { contactProblems, fieldOfError } from './contact-check.js';

describe('the registration form checks both contacts before sending', () => {
  it('names what is wrong with each field at once', () => {
    expect(contactProblems('', '')).toEqual({
      email: 'ERR_EMAIL_REQUIRED',
      phone: 'ERR_PHONE_REQUIRED',
    });
    expect(contactProblems('alice@', '12345')).toEqual({
      email: 'ERR_EMAIL_INVALID',
      phone: 'ERR_PHONE_INVALID',
    });
    expect(contactProblems('alice@example', '+44 20 7946 0018')).toEqual({
      email: 'ERR_EMAIL_INVALID',
    });
    expect(contactProblems(' Alice@Example.com ', '020 7946 0018')).toEqual({
      phone: 'ERR_PHONE_INVALID',
    });
    expect(contactProblems('   ', '+44 20 7946 0018')).toEqual({ email: 'ERR_EMAIL_REQUIRED' });
  });

  it('accepts what the service accepts', () => {
    for (const phone of ['+44 20 7946 0018', '+44 (0) 20 7946-0018', '0044.20.7946.0018']) {
      expect(contactProblems('alice.b+cp@mail.example.co.uk', phone), phone).toEqual({});
    }
    expect(contactProblems(`${'a'.repeat(65)}@example.com`, '+442079460018')).toEqual({
      email: 'ERR_EMAIL_INVALID',
    });
  });

  it("puts the service's refusal under the field it is about", () => {
    expect(fieldOfError('ERR_EMAIL_TAKEN')).toBe('email');
    expect(fieldOfError('ERR_EMAIL_INVALID')).toBe('email');
    expect(fieldOfError('ERR_PHONE_TAKEN')).toBe('phone');
    expect(fieldOfError('ERR_PHONE_REQUIRED')).toBe('phone');
    expect(fieldOfError('ERR_RATE_LIMITED_ADDRESS')).toBeNull();
    expect(fieldOfError('ERR_NETWORK')).toBeNull();
  });
});
