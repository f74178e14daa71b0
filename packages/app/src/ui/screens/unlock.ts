import type { AppContext } from '../context.js';
import { busy, field, h, messages, screen } from '../dom.js';

/** The PIN, when the keys are sealed under one; wrong PINs count toward the wipe. */
export function unlockScreen(ctx: AppContext, notice: string | undefined): HTMLElement {
  const msg = messages('unlock');
  const pin = field({
    id: 'unlock-pin',
    label: ctx.t('pin'),
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'current-password',
    required: true,
    maxlength: 12,
  });
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, 'data-testid': 'unlock-form' },
    pin.element,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary', 'data-testid': 'unlock-submit' },
        ctx.t('unlockSubmit'),
      ),
    ),
    msg.element,
  );
  if (notice !== undefined) msg.error(notice);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    pin.setError(undefined);
    if (!/^[0-9]{4,12}$/.test(pin.input.value)) {
      pin.setError(ctx.t('ERR_PIN_FORMAT'));
      pin.input.focus();
      return;
    }
    msg.info(ctx.t('unlocking'));
    void busy(form, async () => {
      try {
        const result = await ctx.vault.unlock(pin.input.value);
        pin.input.value = '';
        if (result.status === 'unlocked') {
          ctx.opened(result.device, result.keys);
        } else if (result.status === 'wrong-pin') {
          msg.error(
            result.attemptsLeft === 1
              ? ctx.t('wrongPinLast')
              : ctx.t('wrongPin', { n: result.attemptsLeft }),
          );
          pin.input.focus();
        } else if (result.status === 'wiped') {
          ctx.wiped(ctx.t('wiped'));
        } else {
          ctx.wiped(ctx.t('welcomeText'));
        }
      } catch (error) {
        msg.error(ctx.errorText(error));
      }
    });
  });
  return screen(
    'unlock',
    ctx.t('unlockTitle'),
    h('p', {}, ctx.t('unlockIntro', { email: ctx.device?.email ?? '' })),
    form,
  );
}
