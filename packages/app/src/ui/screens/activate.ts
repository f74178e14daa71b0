import { AppError } from '../../app-error.js';
import { activateDevice } from '../../device/activate-device.js';
import { checkPin } from '../../vault/pin-seal.js';
import { WIPE_AFTER_CHOICES, type WipeAfter } from '../../vault/stored-device.js';
import type { AppContext } from '../context.js';
import { busy, button, field, h, messages, screen } from '../dom.js';

/**
 * Activation (PRODUCT.md flow 4): email and activation code (typed, or read from an activation
 * QR), the device's name, and an optional PIN with the number of wrong PINs that wipes the app.
 * "Forgot the activation code?" asks the service for a new one by SMS.
 */
export function activateScreen(
  ctx: AppContext,
  given: { email?: string; code?: string; notice?: string },
): HTMLElement {
  const msg = messages('activate');
  const email = field({
    id: 'activate-email',
    label: ctx.t('email'),
    type: 'email',
    autocomplete: 'email',
    required: true,
    value: given.email ?? ctx.draft('activate-email'),
    onInput: (v) => ctx.setDraft('activate-email', v),
  });
  const code = field({
    id: 'activate-code',
    label: ctx.t('activationCode'),
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    required: true,
    maxlength: 16,
    value: given.code ?? '',
  });
  const name = field({
    id: 'activate-name',
    label: ctx.t('deviceName'),
    maxlength: 64,
    value: ctx.draft('activate-name') || ctx.t('deviceNameDefault'),
    onInput: (v) => ctx.setDraft('activate-name', v),
  });

  const usePin = h('input', {
    type: 'checkbox',
    id: 'activate-use-pin',
    'data-testid': 'activate-use-pin',
  });
  const pin = field({
    id: 'activate-pin',
    label: ctx.t('pin'),
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'new-password',
    maxlength: 12,
  });
  const pinRepeat = field({
    id: 'activate-pin-repeat',
    label: ctx.t('pinRepeat'),
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'new-password',
    maxlength: 12,
  });
  const wipeChoices = WIPE_AFTER_CHOICES.map((n) =>
    h(
      'label',
      { class: 'choice' },
      h('input', {
        type: 'radio',
        name: 'activate-wipe-after',
        value: n,
        checked: n === 5,
        'data-testid': `activate-wipe-${n}`,
      }),
      ` ${ctx.t('wipeChoice', { n })}`,
    ),
  );
  const pinFields = h(
    'div',
    { id: 'activate-pin-fields' },
    h('p', { class: 'help' }, ctx.t('pinHelp')),
    pin.element,
    pinRepeat.element,
    h('fieldset', { class: 'choices' }, h('legend', {}, ctx.t('wipeAfter')), ...wipeChoices),
  );
  pinFields.hidden = true;
  usePin.addEventListener('change', () => {
    pinFields.hidden = !usePin.checked;
    if (usePin.checked) pin.input.focus();
  });

  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, 'data-testid': 'activate-form' },
    email.element,
    code.element,
    name.element,
    h(
      'fieldset',
      { class: 'pin' },
      h('legend', {}, ctx.t('pinLegend')),
      h('label', { class: 'choice', for: 'activate-use-pin' }, usePin, ` ${ctx.t('usePin')}`),
      pinFields,
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary', 'data-testid': 'activate-submit' },
        ctx.t('activateSubmit'),
      ),
    ),
    msg.element,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const f of [email, code, pin, pinRepeat]) f.setError(undefined);
    if (email.input.value.trim() === '') return fail(email, ctx.t('ERR_EMAIL_REQUIRED'));
    if (code.input.value.trim() === '') return fail(code, ctx.t('ERR_CODE_INVALID'));
    let pinChoice: { pin: string; wipeAfter: WipeAfter } | undefined;
    if (usePin.checked) {
      try {
        checkPin(pin.input.value);
      } catch {
        return fail(pin, ctx.t('ERR_PIN_FORMAT'));
      }
      if (pin.input.value !== pinRepeat.input.value)
        return fail(pinRepeat, ctx.t('ERR_PIN_MISMATCH'));
      const checked = form.querySelector<HTMLInputElement>(
        'input[name=activate-wipe-after]:checked',
      );
      pinChoice = { pin: pin.input.value, wipeAfter: Number(checked?.value ?? 5) as WipeAfter };
    }
    msg.info(ctx.t('activating'));
    void busy(form, async () => {
      try {
        const { device, keys } = await activateDevice(ctx.api, ctx.vault, {
          email: email.input.value,
          code: code.input.value,
          name: name.input.value,
          ...(pinChoice === undefined ? {} : { pin: pinChoice }),
        });
        ctx.announce(ctx.t('activatedFor', { email: device.email }));
        ctx.opened(device, keys);
      } catch (error) {
        msg.error(ctx.errorText(error));
        const wrongCode = error instanceof AppError && error.code === 'ERR_ACTIVATION_FAILED';
        (wrongCode ? code : email).input.focus();
      }
    });
  });

  function fail(
    f: { input: HTMLInputElement; setError(t: string | undefined): void },
    text: string,
  ): void {
    f.setError(text);
    f.input.focus();
  }

  const resend = button(
    ctx.t('forgotCode'),
    'activate-resend',
    () => {
      if (email.input.value.trim() === '') {
        fail(email, ctx.t('resendNeedsEmail'));
        return;
      }
      msg.info(ctx.t('working'));
      void busy(form, async () => {
        try {
          await ctx.api.post('/v1/activation/resend', { email: email.input.value.trim() });
          msg.info(ctx.t('resendSent', { email: email.input.value.trim() }));
        } catch (error) {
          msg.error(ctx.errorText(error));
        }
      });
    },
    { class: 'link' },
  );

  return screen(
    'activate',
    ctx.t('activateTitle'),
    given.notice === undefined
      ? null
      : h('p', { role: 'status', class: 'ok', 'data-testid': 'activate-notice' }, given.notice),
    h('p', {}, ctx.t('activateIntro')),
    form,
    h(
      'div',
      { class: 'actions stack' },
      resend,
      button(ctx.t('welcomeScanActivation'), 'activate-scan', () => ctx.go({ name: 'scan' })),
      button(ctx.t('back'), 'activate-back', () => ctx.go({ name: 'welcome' })),
    ),
  );
}
