import { checkPin } from '../../vault/pin-seal.js';
import { WIPE_AFTER_CHOICES, type WipeAfter } from '../../vault/stored-device.js';
import type { AppContext } from '../context.js';
import { busy, button, field, h, messages, screen } from '../dom.js';
import { detailsList } from './confirm.js';

/** The device and its protection: change the PIN, lock, wipe. */
export function settingsScreen(ctx: AppContext, notice: string | undefined): HTMLElement {
  const device = ctx.device;
  if (device === undefined) return screen('settings', ctx.t('settingsTitle'));
  const date = new Intl.DateTimeFormat(ctx.language, { dateStyle: 'medium', timeStyle: 'short' });
  const details = detailsList([
    [ctx.t('account'), device.email, 'settings-email'],
    [ctx.t('deviceNameLabel'), device.name, 'settings-device-name'],
    [ctx.t('deviceId'), device.deviceId, 'settings-device-id'],
    [ctx.t('activatedAt'), date.format(device.activatedAt), 'settings-activated-at'],
    [
      ctx.t('protection'),
      device.protection === 'pin'
        ? ctx.t('protectionPin', { n: device.wipeAfter })
        : ctx.t('protectionNone'),
      'settings-protection',
    ],
  ]);

  const wipeMsg = messages('settings-wipe');
  const confirmWipe = h(
    'div',
    { class: 'confirm-wipe', role: 'group', 'aria-labelledby': 'settings-wipe-question' },
    h('p', { id: 'settings-wipe-question' }, ctx.t('wipeConfirm')),
    h(
      'div',
      { class: 'actions' },
      button(
        ctx.t('wipeConfirmYes'),
        'settings-wipe-confirm',
        () => {
          void ctx.vault.wipe().then(
            () => ctx.wiped(ctx.t('wipeDone')),
            (error: unknown) => wipeMsg.error(ctx.errorText(error)),
          );
        },
        { class: 'danger' },
      ),
      button(ctx.t('cancel'), 'settings-wipe-cancel', () => {
        confirmWipe.hidden = true;
        wipe.focus();
      }),
    ),
  );
  confirmWipe.hidden = true;
  const wipe = button(
    ctx.t('wipeApp'),
    'settings-wipe',
    () => {
      confirmWipe.hidden = false;
      confirmWipe.querySelector('button')?.focus();
    },
    { class: 'danger' },
  );

  return screen(
    'settings',
    ctx.t('settingsTitle'),
    notice === undefined
      ? null
      : h('p', { role: 'status', class: 'ok', 'data-testid': 'settings-notice' }, notice),
    details,
    device.protection === 'pin'
      ? h(
          'div',
          {},
          changePinForm(ctx, device.wipeAfter),
          h(
            'div',
            { class: 'actions' },
            button(ctx.t('lockNow'), 'settings-lock', () => ctx.lock()),
          ),
        )
      : h('p', { class: 'help' }, ctx.t('noPinNote')),
    h('div', { class: 'actions' }, wipe),
    confirmWipe,
    wipeMsg.element,
  );
}

function changePinForm(ctx: AppContext, current: WipeAfter): HTMLElement {
  const msg = messages('settings-pin');
  const pinField = (id: string, label: string, autocomplete: string) =>
    field({ id, label, type: 'password', inputmode: 'numeric', autocomplete, maxlength: 12 });
  const oldPin = pinField('settings-current-pin', ctx.t('currentPin'), 'current-password');
  const newPin = pinField('settings-new-pin', ctx.t('newPin'), 'new-password');
  const repeat = pinField('settings-new-pin-repeat', ctx.t('newPinRepeat'), 'new-password');
  const choices = WIPE_AFTER_CHOICES.map((n) =>
    h(
      'label',
      { class: 'choice' },
      h('input', {
        type: 'radio',
        name: 'settings-wipe-after',
        value: n,
        checked: n === current,
        'data-testid': `settings-wipe-${n}`,
      }),
      ` ${ctx.t('wipeChoice', { n })}`,
    ),
  );
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      'data-testid': 'settings-pin-form',
      'aria-labelledby': 'settings-pin-title',
    },
    h('h2', { id: 'settings-pin-title' }, ctx.t('changePin')),
    oldPin.element,
    newPin.element,
    repeat.element,
    h('fieldset', { class: 'choices' }, h('legend', {}, ctx.t('wipeAfter')), ...choices),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', 'data-testid': 'settings-pin-submit' }, ctx.t('changePin')),
    ),
    msg.element,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const f of [oldPin, newPin, repeat]) f.setError(undefined);
    try {
      checkPin(newPin.input.value);
    } catch {
      newPin.setError(ctx.t('ERR_PIN_FORMAT'));
      newPin.input.focus();
      return;
    }
    if (newPin.input.value !== repeat.input.value) {
      repeat.setError(ctx.t('ERR_PIN_MISMATCH'));
      repeat.input.focus();
      return;
    }
    const checked = form.querySelector<HTMLInputElement>('input[name=settings-wipe-after]:checked');
    const wipeAfter = Number(checked?.value ?? current) as WipeAfter;
    msg.info(ctx.t('working'));
    void busy(form, async () => {
      try {
        const result = await ctx.vault.changePin(oldPin.input.value, newPin.input.value, wipeAfter);
        for (const f of [oldPin, newPin, repeat]) f.input.value = '';
        if (result.status === 'unlocked') {
          ctx.opened(result.device, result.keys);
          ctx.go({ name: 'settings', notice: ctx.t('pinChanged') });
        } else if (result.status === 'wrong-pin') {
          msg.clear();
          oldPin.setError(
            result.attemptsLeft === 1
              ? ctx.t('wrongPinLast')
              : ctx.t('wrongPin', { n: result.attemptsLeft }),
          );
          oldPin.input.focus();
        } else {
          ctx.wiped(ctx.t('wiped'));
        }
      } catch (error) {
        msg.error(ctx.errorText(error));
      }
    });
  });
  return form;
}
