import type { PendingRegistration } from '../../register/registration.js';
import type { AppContext } from '../context.js';
import { busy, button, field, h, messages, screen } from '../dom.js';

/**
 * Registration from the app (PRODUCT.md flow 2): email and phone, then the code from the email
 * and the code from the SMS. A registration in progress is resumed from the store.
 */
export function registerScreen(ctx: AppContext): HTMLElement {
  const body = h('div', {});
  const section = screen('register', ctx.t('registerTitle'), body);
  void ctx.registration.pending().then(
    (pending) =>
      body.replaceChildren(pending === undefined ? startForm(ctx) : codesForm(ctx, pending)),
    () => body.replaceChildren(startForm(ctx)),
  );
  return section;
}

function startForm(ctx: AppContext): HTMLElement {
  const msg = messages('register');
  const email = field({
    id: 'register-email',
    label: ctx.t('email'),
    type: 'email',
    autocomplete: 'email',
    required: true,
    value: ctx.draft('register-email'),
    onInput: (v) => ctx.setDraft('register-email', v),
  });
  const phone = field({
    id: 'register-phone',
    label: ctx.t('phone'),
    type: 'tel',
    autocomplete: 'tel',
    required: true,
    value: ctx.draft('register-phone'),
    onInput: (v) => ctx.setDraft('register-phone', v),
  });
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, 'data-testid': 'register-form' },
    h('p', {}, ctx.t('registerIntro')),
    email.element,
    phone.element,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary', 'data-testid': 'register-submit' },
        ctx.t('registerSubmit'),
      ),
      button(ctx.t('back'), 'register-back', () => ctx.go({ name: 'welcome' })),
    ),
    msg.element,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    email.setError(undefined);
    phone.setError(undefined);
    if (email.input.value.trim() === '') {
      email.setError(ctx.t('ERR_EMAIL_REQUIRED'));
      email.input.focus();
      return;
    }
    if (phone.input.value.trim() === '') {
      phone.setError(ctx.t('ERR_PHONE_REQUIRED'));
      phone.input.focus();
      return;
    }
    msg.info(ctx.t('working'));
    void busy(form, async () => {
      try {
        const pending = await ctx.registration.start(email.input.value, phone.input.value);
        form.replaceWith(codesForm(ctx, pending));
      } catch (error) {
        msg.error(ctx.errorText(error));
        const code = (error as { code?: string }).code ?? '';
        (code.includes('PHONE') ? phone : email).input.focus();
      }
    });
  });
  return form;
}

function codesForm(ctx: AppContext, pending: PendingRegistration): HTMLElement {
  const msg = messages('register-codes');
  const container = h('div', { 'data-testid': 'register-codes' });
  const channel = (name: 'email' | 'phone', verified: boolean): HTMLElement => {
    const id = name === 'email' ? 'register-email-code' : 'register-sms-code';
    if (verified) {
      return h(
        'p',
        { class: 'ok', 'data-testid': `${id}-verified` },
        ctx.t(name === 'email' ? 'emailVerified' : 'phoneVerified'),
      );
    }
    const code = field({
      id,
      label: ctx.t(name === 'email' ? 'emailCode' : 'smsCode'),
      inputmode: 'numeric',
      autocomplete: name === 'phone' ? 'one-time-code' : 'off',
      required: true,
      maxlength: 16,
    });
    const form: HTMLFormElement = h(
      'form',
      { novalidate: true, 'data-testid': `${id}-form` },
      code.element,
      h(
        'button',
        { type: 'submit', 'data-testid': `${id}-submit` },
        ctx.t(name === 'email' ? 'verifyEmail' : 'verifyPhone'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      code.setError(undefined);
      msg.info(ctx.t('working'));
      void busy(form, async () => {
        try {
          const result = await ctx.registration.verify(name, code.input.value);
          if (result.completed) {
            ctx.go({ name: 'activate', email: result.email, notice: ctx.t('registerDone') });
            return;
          }
          const next = codesForm(ctx, result.pending);
          container.replaceWith(next);
          next.querySelector<HTMLInputElement>('input')?.focus();
          next
            .querySelector('[role=status]')
            ?.replaceChildren(ctx.t(name === 'email' ? 'emailVerified' : 'phoneVerified'));
        } catch (error) {
          msg.clear();
          code.setError(ctx.errorText(error));
          if ((await ctx.registration.pending()) === undefined) {
            // A dead end: the registration was forgotten; offer to start again.
            msg.error(ctx.errorText(error));
          }
          code.input.focus();
        }
      });
    });
    return form;
  };
  container.append(
    h(
      'p',
      { 'data-testid': 'register-codes-intro' },
      ctx.t('registerCodesIntro', { email: pending.email, phone: pending.phone }),
    ),
    channel('email', pending.emailVerified),
    channel('phone', pending.phoneVerified),
    msg.element,
    h(
      'div',
      { class: 'actions' },
      button(ctx.t('registerRestart'), 'register-restart', () => {
        void ctx.registration.forget().then(() => ctx.go({ name: 'register' }));
      }),
    ),
  );
  return container;
}
