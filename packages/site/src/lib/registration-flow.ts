import type { MessageKey } from '../i18n/i18n.js';
import { api } from './api.js';
import { ApiError } from './api-error.js';
import { type ContactField, contactProblems, fieldOfError } from './contact-check.js';
import { focus, h, show, tr } from './dom.js';
import { digitsOnly } from './format.js';
import {
  clearError,
  closeForm,
  errorBox,
  type Field,
  field,
  heading,
  showError,
  showProblem,
  whileBusy,
} from './forms.js';
import type { Page } from './shell.js';

/** What the service tells about a registration. */
export interface RegistrationStatus {
  readonly id: string;
  readonly emailVerified: boolean;
  readonly phoneVerified: boolean;
  readonly completed: boolean;
}

/** Kept for this tab, so a reload (or the email link's page) can continue. */
export interface Contacts {
  readonly id: string;
  readonly email: string;
  readonly phone: string;
}

const STORE = 'cipherpad.registration';

/** The contacts of registration `id` kept in this tab, or null. */
export function savedContacts(id: string): Contacts | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE) ?? 'null') as Contacts | null;
    return value?.id === id ? value : null;
  } catch {
    return null;
  }
}

/** The registration last started in this tab, or null. */
export function lastContacts(): Contacts | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE) ?? 'null') as Contacts | null;
    return value && typeof value.id === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** True when the failure ends the registration: only starting again helps. */
function registrationIsOver(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    [
      'ERR_REGISTRATION_CLOSED',
      'ERR_REGISTRATION_NOT_FOUND',
      'ERR_CODE_EXPIRED',
      'ERR_EMAIL_TAKEN',
      'ERR_PHONE_TAKEN',
    ].includes(error.code)
  );
}

/** Where and how the registration steps are shown. */
export interface RegistrationFlowOptions {
  readonly page: Page;
  /** The element whose content each step replaces. */
  readonly host: HTMLElement;
  /** The heading level of the steps: `h1` on their own page, `h2` inside another. */
  readonly level: 'h1' | 'h2';
  readonly title: MessageKey;
  readonly intro: MessageKey;
  /** A fixed email (registration for a confirmation): filled in and read-only. */
  readonly email?: string;
  /** The registration was started (the page may note its id in the address). */
  onStarted?(contacts: Contacts): void;
  /** The person chose to start again. */
  onRestart?(): void;
  /** Both contacts are verified: the account exists. */
  completed(contacts: Contacts): void;
}

/** The registration steps: `start` shows the first form, `resume` the code forms. */
export interface RegistrationFlow {
  start(): void;
  resume(contacts: Contacts, status: RegistrationStatus): void;
  /** Shows the first form with a failure (a registration that could not be resumed). */
  startWithError(error: unknown): void;
}

/**
 * Registration (PRODUCT.md flows 1 and 3): email and phone, then the email code (or the link)
 * and the SMS code, until the account exists. Used by the registration page and, with the
 * email fixed, by the confirmation page.
 */
export function registrationFlow(options: RegistrationFlowOptions): RegistrationFlow {
  const { page, host } = options;
  const title = heading(options.level, options.title);
  const email = field({
    label: 'reg.email',
    name: 'email',
    type: 'email',
    autocomplete: 'email',
    testid: 'email',
    maxlength: 254,
    ...(options.email ? { value: options.email } : {}),
  });
  if (options.email) email.input.readOnly = true;
  const phone = field({
    label: 'reg.phone',
    name: 'phone',
    type: 'tel',
    autocomplete: 'tel',
    hint: 'reg.phoneHint',
    testid: 'phone',
    maxlength: 32,
  });
  // Each field's message right under it, both at once; the form's own line for the rest.
  const emailError = errorBox('email-error');
  const phoneError = errorBox('phone-error');
  email.wrap.append(emailError);
  phone.wrap.append(phoneError);
  const fields: Record<ContactField, { input: HTMLInputElement; errors: HTMLElement }> = {
    email: { input: email.input, errors: emailError },
    phone: { input: phone.input, errors: phoneError },
  };
  const errors = errorBox();
  const form = h(
    'form',
    { class: 'stack card', novalidate: true },
    email.wrap,
    phone.wrap,
    errors,
    h('button', {
      type: 'submit',
      class: 'primary',
      text: tr('reg.submit'),
      testid: 'register-submit',
    }),
  );
  const first = h('div', { class: 'stack' }, title, h('p', { text: tr(options.intro) }), form);

  const restart = () => {
    options.onRestart?.();
    page.say(null);
    host.replaceChildren(first);
    focus(title);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(errors, email.input, phone.input);
    clearError(emailError, email.input);
    clearError(phoneError, phone.input);
    const problems = contactProblems(email.input.value, phone.input.value);
    if (problems.email || problems.phone) {
      // Every field's mistake at once, the first one focused.
      let first = true;
      for (const name of ['email', 'phone'] as const) {
        const code = problems[name];
        if (!code) continue;
        const { input, errors: box } = fields[name];
        showError(box, new ApiError(code, 400), input, { focus: first });
        first = false;
      }
      return;
    }
    void whileBusy(form, async () => {
      try {
        const started = await api<Contacts>('POST', '/v1/registrations', {
          body: { email: email.input.value.trim(), phone: phone.input.value.trim() },
        });
        const contacts = { id: started.id, email: started.email, phone: started.phone };
        try {
          sessionStorage.setItem(STORE, JSON.stringify(contacts));
        } catch {
          // Without storage a reload asks for the codes without naming the contacts.
        }
        options.onStarted?.(contacts);
        verifyStep(
          options,
          contacts,
          { id: started.id, emailVerified: false, phoneVerified: false, completed: false },
          restart,
        );
      } catch (error) {
        const name = error instanceof ApiError ? fieldOfError(error.code) : null;
        if (name) showError(fields[name].errors, error, fields[name].input);
        else showError(errors, error);
      }
    });
  });

  return {
    start() {
      host.replaceChildren(first);
      // With the email given, the phone is all that is left to type.
      if (options.email) phone.input.focus();
    },
    resume(contacts, status) {
      verifyStep(options, contacts, status, restart);
    },
    startWithError(error) {
      host.replaceChildren(first);
      showError(errors, error);
    },
  };
}

function codeForm(
  label: 'reg.emailCode' | 'reg.smsCode',
  submit: 'reg.confirmEmail' | 'reg.confirmPhone',
  doneKey: 'reg.emailDone' | 'reg.phoneDone',
  testid: 'email-code' | 'sms-code',
  hint?: 'reg.emailCodeHint',
) {
  const code: Field = field({
    label,
    name: testid,
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    testid,
    maxlength: 16,
    ...(hint ? { hint } : {}),
  });
  const errors = errorBox(`${testid}-error`);
  const form = h(
    'form',
    { class: 'stack card', novalidate: true },
    code.wrap,
    errors,
    h('button', {
      type: 'submit',
      class: 'primary',
      text: tr(submit),
      testid: submit === 'reg.confirmEmail' ? 'confirm-email' : 'confirm-phone',
    }),
  );
  const done = h('p', { class: 'done', text: tr(doneKey), testid: `${testid}-done`, hidden: true });
  return { code, errors, form, done };
}

function verifyStep(
  options: RegistrationFlowOptions,
  contacts: Contacts,
  initial: RegistrationStatus,
  restart: () => void,
): void {
  const title = heading(options.level, 'reg.verifyTitle');
  const emailStep = codeForm(
    'reg.emailCode',
    'reg.confirmEmail',
    'reg.emailDone',
    'email-code',
    'reg.emailCodeHint',
  );
  const phoneStep = codeForm('reg.smsCode', 'reg.confirmPhone', 'reg.phoneDone', 'sms-code');
  const again = h('button', {
    type: 'button',
    class: 'secondary',
    text: tr('common.startAgain'),
    testid: 'start-again',
    onclick: () => stopAndRestart(),
  });
  let poll = 0;
  let finished = false;
  const stopAndRestart = () => {
    finished = true;
    clearInterval(poll);
    restart();
  };

  const apply = (status: RegistrationStatus) => {
    if (finished) return;
    for (const [step, verified] of [
      [emailStep, status.emailVerified],
      [phoneStep, status.phoneVerified],
    ] as const) {
      show(step.form, !verified);
      show(step.done, verified);
    }
    if (status.completed) {
      finished = true;
      clearInterval(poll);
      options.completed(contacts);
    } else if (
      status.emailVerified &&
      !status.phoneVerified &&
      document.activeElement === document.body
    ) {
      phoneStep.code.input.focus();
    }
  };

  const end = (error: unknown, box: HTMLElement) => {
    finished = true;
    clearInterval(poll);
    closeForm(emailStep.form);
    closeForm(phoneStep.form);
    showError(box, error);
    focus(again);
  };

  for (const [step, channel] of [
    [emailStep, 'email'],
    [phoneStep, 'phone'],
  ] as const) {
    step.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = digitsOnly(step.code.input.value);
      if (!/^\d{4,10}$/.test(typed)) {
        showProblem(step.errors, tr('err.codeFormat', { n: 6 }), step.code.input);
        return;
      }
      clearError(step.errors, step.code.input);
      void whileBusy(step.form, async () => {
        try {
          const status = await api<RegistrationStatus>(
            'POST',
            `/v1/registrations/${encodeURIComponent(contacts.id)}/${channel}-verification`,
            { body: { code: typed } },
          );
          apply(status);
          if (!status.completed) {
            const next = channel === 'email' ? phoneStep : emailStep;
            if (!next.form.hidden) next.code.input.focus();
            else focus(step.done);
          }
        } catch (error) {
          if (registrationIsOver(error)) end(error, step.errors);
          else showError(step.errors, error, step.code.input);
        }
      });
    });
  }

  options.host.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      h('p', {
        text: contacts.email
          ? tr('reg.sentTo', { email: contacts.email, phone: contacts.phone })
          : tr('reg.sentToAnonymous'),
        testid: 'sent-to',
      }),
      emailStep.form,
      emailStep.done,
      phoneStep.form,
      phoneStep.done,
      h('p', {}, again),
    ),
  );
  apply(initial);
  if (!finished) focus(title);

  // The email link may be opened in another tab or on another device: notice it here.
  poll = window.setInterval(() => {
    if (document.hidden || finished || !emailStep.done.hidden) return;
    api<RegistrationStatus>('GET', `/v1/registrations/${encodeURIComponent(contacts.id)}`).then(
      (status) => {
        if (status.emailVerified && emailStep.done.hidden) apply(status);
      },
      () => undefined,
    );
  }, 4000);
}
