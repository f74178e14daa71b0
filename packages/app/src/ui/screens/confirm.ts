import type { QrLoginRequest, QrPaymentRequest } from '@cipherpad/core';
import { askerName, matchHint, summaryRows } from '../../device/request-summary.js';
import { scannedDetails } from '../../device/scanned-details.js';
import { isOwnServer } from '../../qr/read-qr-text.js';
import { answer } from '../../respond/answer.js';
import type { AppContext } from '../context.js';
import { button, h, screen } from '../dom.js';
import { responseOutput } from './answer.js';
import { approvalForm } from './approval-form.js';

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
 * "<site> asks for the first time": approving such a request also allows the site to ask again
 * (docs/confirmation-api.md, "Consent"). Test id `<prefix>-first-time`.
 */
export function firstTimeNotice(ctx: AppContext, site: string, prefix: string): HTMLElement {
  return h(
    'div',
    { class: 'notice first-time', 'data-testid': `${prefix}-first-time` },
    h('p', { class: 'notice-title' }, ctx.t('firstTime', { site })),
    h('p', { class: 'help' }, ctx.t('firstTimeHelp', { site })),
  );
}

/**
 * What a scanned QR code asks for (site, operation, and for a payment the amount, currency,
 * recipient and note), shown before the response; then the response, and online approval with
 * number matching when the request names its id on this app's own service and the service has
 * sent the same request to the app (so what is approved is what is shown).
 */
export function confirmScreen(
  ctx: AppContext,
  request: QrLoginRequest | QrPaymentRequest,
): HTMLElement {
  const t = ctx.t.bind(ctx);
  const scanned = scannedDetails(request, ctx.pending());
  const { details } = scanned;
  const site = askerName(
    details.site ?? (scanned.pending === undefined ? null : t('securitySite')),
    request.server,
    t,
  );
  const rows = summaryRows(details, t, site).map(
    (row) => [row.label, row.value, `confirm-${row.part}`] as const,
  );

  const output = responseOutput(ctx, 'confirm-response');
  output.element.hidden = true;
  // Kept across a re-render (a language switch, or the service's request arriving).
  const shownDraft = `confirm-shown-${request.challenge}`;
  const reveal = () => {
    const keys = ctx.keys;
    if (keys === undefined) return;
    ctx.setDraft(shownDraft, '1');
    // The response is computed from the QR code's own facts, as typing them would.
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
  };
  const show = button(ctx.t('confirmShow'), 'confirm-show', reveal, { class: 'primary' });
  if (ctx.draft(shownDraft) === '1') reveal();

  const online =
    request.id !== undefined && isOwnServer(request.server, location.origin) && navigator.onLine;
  let approval: HTMLElement | null = null;
  if (online && request.id !== undefined) {
    if (scanned.mismatch) {
      approval = h(
        'p',
        { class: 'alert', role: 'alert', 'data-testid': 'confirm-mismatch' },
        ctx.t('confirmMismatch'),
      );
    } else if (scanned.pending === undefined) {
      approval = h(
        'p',
        { class: 'help', 'data-testid': 'confirm-await-request' },
        ctx.t('confirmAwaitRequest'),
      );
    } else {
      approval = approvalForm(ctx, request.id, {
        expiresAt: scanned.pending.expiresAt,
        hint: `${ctx.t('approveOnlineHint')} ${matchHint(details, t, site)}`,
        firstTime: details.firstTime === true,
      });
    }
  }
  return screen(
    'confirm',
    ctx.t('confirmTitle'),
    details.firstTime === true && !scanned.mismatch ? firstTimeNotice(ctx, site, 'confirm') : null,
    detailsList(rows),
    h(
      'div',
      { class: 'actions' },
      show,
      button(ctx.t('cancel'), 'confirm-cancel', () => ctx.go({ name: 'scan' })),
    ),
    output.element,
    approval === null ? null : h('div', { class: 'online' }, approval),
  );
}
