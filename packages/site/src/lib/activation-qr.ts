import { currentLang, type MessageKey } from '../i18n/i18n.js';
import { api } from './api.js';
import { confirmOperation } from './confirm-operation.js';
import { bind, focus, h, show, tr } from './dom.js';
import { formatTime } from './format.js';
import { errorBox, showError, whileBusy } from './forms.js';
import { qrImage } from './qr-view.js';
import { isSignedOut, requireSignIn } from './session.js';
import type { Page } from './shell.js';

/**
 * An activation QR code (PRODUCT.md flow 4) fetched from `endpoint` (the
 * registration's or the signed-in account's), with its expiry, a warning that
 * it is secret, a button for a fresh one and a link to the phone app.
 *
 * With `confirmed` (the signed-in account's), every code is first confirmed
 * with an activated device: the button opens the challenge panel, and the
 * code is fetched with the confirmation's id once it is verified.
 */
export function activationQr(
  endpoint: string,
  autoload: boolean,
  confirmed?: { readonly title: MessageKey },
): HTMLElement {
  const holder = h('div', { class: 'qr-holder' });
  const errors = errorBox();
  const button = h('button', {
    type: 'button',
    class: 'secondary',
    text: tr('reg.qrButton'),
    testid: 'activation-qr-button',
  });
  const confirmArea = h('div', { class: 'stack' });
  const box = h(
    'div',
    { class: 'stack activation' },
    holder,
    errors,
    confirmArea,
    h('p', {}, button),
    h(
      'p',
      {},
      h('a', { href: '/app/', class: 'button', text: tr('common.openApp'), testid: 'app-link' }),
    ),
  );
  const fetchQr = async (confirmation?: string) => {
    const { uri, expiresAt } = await api<{ uri: string; expiresAt: number }>(
      'POST',
      endpoint,
      confirmation === undefined ? {} : { body: { confirmation } },
    );
    const until = h('p', { class: 'hint' });
    bind(until, () => tr('common.validUntil', { time: formatTime(expiresAt, currentLang()) })());
    holder.replaceChildren(
      qrImage(uri, 'activation-qr'),
      until,
      h('p', { class: 'warning', text: tr('reg.qrSecret') }),
    );
    bind(button, tr('reg.qrAgain'));
    errors.hidden = true;
  };
  const confirmFirst = (title: MessageKey) =>
    whileBusy(box, async () => {
      try {
        await confirmOperation({
          area: confirmArea,
          operation: { operation: 'show-activation' },
          title,
          perform: async (confirmation) => {
            await fetchQr(confirmation);
            confirmArea.replaceChildren();
            show(button, true);
            focus(holder);
          },
          back: () => {
            show(button, true);
            button.focus();
          },
        });
        holder.replaceChildren();
        show(button, false);
      } catch (error) {
        if (isSignedOut(error)) requireSignIn();
        else showError(errors, error);
      }
    });
  const load = () =>
    whileBusy(box, async () => {
      try {
        await fetchQr();
      } catch (error) {
        showError(errors, error);
      }
    });
  button.addEventListener('click', () => void (confirmed ? confirmFirst(confirmed.title) : load()));
  if (autoload) void load();
  return box;
}

/** "Send the activation code again" (`POST /v1/activation/resend`), with its error line. */
export function resendActivation(page: Page, email: string): HTMLElement {
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
        await api('POST', '/v1/activation/resend', { body: { email } });
        page.say(tr('reg.resent'));
      } catch (error) {
        showError(errors, error);
      }
    }),
  );
  return box;
}
