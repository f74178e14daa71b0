import { activationQr } from '../lib/activation-qr.js';
import { api } from '../lib/api.js';
import { ApiError } from '../lib/api-error.js';
import { focus, h, show, tr } from '../lib/dom.js';
import { digitsOnly } from '../lib/format.js';
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
} from '../lib/forms.js';
import { type Page, startPage } from '../lib/shell.js';

/** What the service tells about a registration. */
interface RegistrationStatus {
  readonly id: string;
  readonly emailVerified: boolean;
  readonly phoneVerified: boolean;
  readonly completed: boolean;
}

/** Kept for this tab, so a reload (or the email link's page) can continue. */
interface Contacts {
  readonly id: string;
  readonly email: string;
  readonly phone: string;
}

const STORE = 'cipherpad.registration';

function saved(id: string): Contacts | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE) ?? 'null') as Contacts | null;
    return value?.id === id ? value : null;
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

/**
 * Registration (PRODUCT.md flow 1): email and phone, then the email code (or
 * the link) and the SMS code, then the activation QR code for the phone app.
 * `?id=` continues a registration already started.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'reg.title', devOutboxLink: true });
  const title = heading('h1', 'reg.title');
  const email = field({
    label: 'reg.email',
    name: 'email',
    type: 'email',
    autocomplete: 'email',
    testid: 'email',
    maxlength: 254,
  });
  const phone = field({
    label: 'reg.phone',
    name: 'phone',
    type: 'tel',
    autocomplete: 'tel',
    hint: 'reg.phoneHint',
    testid: 'phone',
    maxlength: 32,
  });
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
  const first = h('div', { class: 'stack' }, title, h('p', { text: tr('reg.intro') }), form);

  const restart = () => {
    history.replaceState(null, '', location.pathname);
    page.say(null);
    page.main.replaceChildren(first);
    focus(title);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(errors, email.input, phone.input);
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
        history.replaceState(null, '', `${location.pathname}?id=${encodeURIComponent(started.id)}`);
        verifyStep(
          page,
          contacts,
          { id: started.id, emailVerified: false, phoneVerified: false, completed: false },
          restart,
        );
      } catch (error) {
        const code = error instanceof ApiError ? error.code : '';
        showError(
          errors,
          error,
          code.startsWith('ERR_PHONE')
            ? phone.input
            : code.startsWith('ERR_EMAIL')
              ? email.input
              : undefined,
        );
      }
    });
  });

  const id = new URLSearchParams(location.search).get('id');
  if (!id) {
    page.main.replaceChildren(first);
    return;
  }
  try {
    const status = await api<RegistrationStatus>(
      'GET',
      `/v1/registrations/${encodeURIComponent(id)}`,
    );
    const contacts = saved(id) ?? { id, email: '', phone: '' };
    if (status.completed) doneStep(page, contacts);
    else verifyStep(page, contacts, status, restart);
  } catch (error) {
    page.main.replaceChildren(first);
    showError(errors, error);
  }
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
  page: Page,
  contacts: Contacts,
  initial: RegistrationStatus,
  restart: () => void,
): void {
  const title = heading('h1', 'reg.verifyTitle');
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
      doneStep(page, contacts);
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

  page.main.replaceChildren(
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
  focus(title);

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

function doneStep(page: Page, contacts: Contacts): void {
  const title = heading('h1', 'reg.doneTitle', 'done-heading');
  const parts: HTMLElement[] = [
    title,
    h('p', { text: tr('reg.doneText') }),
    activationQr(`/v1/registrations/${encodeURIComponent(contacts.id)}/activation-qr`, true),
  ];
  if (contacts.email) {
    const errors = errorBox('resend-error');
    const resend = h('button', {
      type: 'button',
      class: 'secondary',
      text: tr('reg.resend'),
      testid: 'resend',
    });
    const box = h('div', { class: 'stack' }, errors, h('p', {}, resend));
    resend.addEventListener('click', () =>
      whileBusy(box, async () => {
        try {
          await api('POST', '/v1/activation/resend', { body: { email: contacts.email } });
          page.say(tr('reg.resent'));
        } catch (error) {
          showError(errors, error);
        }
      }),
    );
    parts.push(box);
  }
  parts.push(
    h(
      'p',
      {},
      h('span', { text: tr('reg.thenSignIn') }),
      ' ',
      h('a', { href: '/', text: tr('nav.signIn'), testid: 'sign-in-link' }),
    ),
  );
  page.main.replaceChildren(h('div', { class: 'stack' }, ...parts));
  focus(title);
}

void main();
