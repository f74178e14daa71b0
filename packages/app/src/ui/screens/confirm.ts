import type { QrLoginRequest, QrPaymentRequest } from '@cipherpad/core';
import { isOwnServer } from '../../qr/read-qr-text.js';
import { answer } from '../../respond/answer.js';
import type { AppContext } from '../context.js';
import { button, h, screen } from '../dom.js';
import { responseOutput } from './answer.js';
import { approvalForm } from './approval-form.js';

/** Who asks, as shown to the person: the site's name, else the service's host. */
export function askerName(
  ctx: AppContext,
  site: string | null | undefined,
  server?: string,
): string {
  if (site !== undefined && site !== null) return site;
  if (server !== undefined) {
    try {
      return new URL(server).host;
    } catch {
      // An unreadable URL names nobody.
    }
  }
  return ctx.t('siteNotNamed');
}

/** A definition list of what is being confirmed. */
export function detailsList(rows: readonly (readonly [string, string, string])[]): HTMLElement {
  return h(
    'dl',
    { class: 'details' },
    ...rows.flatMap(([label, value, testid]) => [
      h('dt', {}, label),
      h('dd', { 'data-testid': testid }, value),
    ]),
  );
}

/**
 * What a scanned QR code asks for (site, operation, and for a payment the amount, currency and
 * recipient), shown before the response; then the response, and online approval with number
 * matching when the request names its id on this app's own service.
 */
export function confirmScreen(
  ctx: AppContext,
  request: QrLoginRequest | QrPaymentRequest,
): HTMLElement {
  const rows: [string, string, string][] = [
    [
      ctx.t('operation'),
      ctx.t(request.kind === 'login' ? 'opLogin' : 'opPayment'),
      'confirm-operation',
    ],
    [ctx.t('site'), askerName(ctx, request.site, request.server), 'confirm-site'],
  ];
  if (request.kind === 'payment') {
    const currency = request.currency === undefined ? '' : ` ${request.currency}`;
    rows.push([ctx.t('amount'), `${request.amount}${currency}`, 'confirm-amount']);
    rows.push([ctx.t('recipient'), request.purse, 'confirm-recipient']);
  }
  rows.push([ctx.t('challengeLabel'), request.challenge, 'confirm-challenge']);

  const output = responseOutput(ctx, 'confirm-response');
  output.element.hidden = true;
  const show = button(
    ctx.t('confirmShow'),
    'confirm-show',
    () => {
      const keys = ctx.keys;
      if (keys === undefined) return;
      const typed =
        request.kind === 'payment'
          ? ({
              mode: 'payment',
              challenge: request.challenge,
              amount: request.amount,
              purse: request.purse,
            } as const)
          : ({ mode: 'authorization', challenge: request.challenge } as const);
      void answer(keys.ocraKey, typed).then((response) => {
        output.element.hidden = false;
        output.show(response);
        show.hidden = true;
      });
    },
    { class: 'primary' },
  );

  const online =
    request.id !== undefined && isOwnServer(request.server, location.origin) && navigator.onLine;
  return screen(
    'confirm',
    ctx.t('confirmTitle'),
    detailsList(rows),
    h(
      'div',
      { class: 'actions' },
      show,
      button(ctx.t('cancel'), 'confirm-cancel', () => ctx.go({ name: 'scan' })),
    ),
    output.element,
    online && request.id !== undefined
      ? h(
          'div',
          { class: 'online' },
          approvalForm(ctx, request.id, {
            hint: `${ctx.t('approveOnlineHint')} ${ctx.t('matchHint')}`,
          }),
        )
      : null,
  );
}
