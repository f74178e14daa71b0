import type { AppContext } from '../context.js';
import { h, screen } from '../dom.js';
import { approvalForm } from './approval-form.js';
import { askerName, detailsList } from './confirm.js';

/**
 * Online approval (PRODUCT.md flow 8): the pending requests of the account, kept current by the
 * event stream, each approved with the number the site shows, or denied.
 */
export function requestsScreen(ctx: AppContext): HTMLElement {
  const { status, code } = ctx.feedStatus();
  const statusText =
    status === 'live'
      ? ctx.t('feedLive')
      : status === 'connecting'
        ? ctx.t('feedConnecting')
        : status === 'offline'
          ? ctx.t('feedOffline')
          : status === 'failed'
            ? ctx.t('feedFailed', { reason: ctx.errorText({ code }) })
            : ctx.t('feedOff');
  const time = new Intl.DateTimeFormat(ctx.language, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const requests = ctx.pending();
  return screen(
    'requests',
    ctx.t('requestsTitle'),
    h('p', { class: `feed feed-${status}`, 'data-testid': 'requests-feed' }, statusText),
    requests.length === 0
      ? h('p', { 'data-testid': 'requests-empty' }, ctx.t('requestsEmpty'))
      : h(
          'ul',
          { class: 'requests', 'data-testid': 'requests-list' },
          ...requests.map((request) => {
            const op = ctx.t(request.kind === 'login' ? 'opLogin' : 'opPayment');
            const site = request.site ?? ctx.t('securitySite');
            const rows: [string, string, string][] = [
              [ctx.t('site'), askerName(ctx, site), `request-${request.id}-site`],
            ];
            if (request.payment !== undefined) {
              const currency =
                request.payment.currency === undefined ? '' : ` ${request.payment.currency}`;
              rows.push([
                ctx.t('amount'),
                `${request.payment.amount}${currency}`,
                `request-${request.id}-amount`,
              ]);
              rows.push([
                ctx.t('recipient'),
                request.payment.purse,
                `request-${request.id}-recipient`,
              ]);
            }
            rows.push([
              ctx.t('challengeLabel'),
              request.challenge,
              `request-${request.id}-challenge`,
            ]);
            return h(
              'li',
              {
                class: 'request',
                'data-testid': `request-${request.id}`,
                'aria-labelledby': `request-${request.id}-title`,
              },
              h('h2', { id: `request-${request.id}-title` }, ctx.t('requestTitle', { op, site })),
              detailsList(rows),
              h(
                'p',
                { class: 'help' },
                ctx.t('startedFrom', { ip: request.ip }),
                ' · ',
                ctx.t('expiresAt', { time: time.format(request.expiresAt) }),
              ),
              approvalForm(ctx, request.id, { expiresAt: request.expiresAt }),
            );
          }),
        ),
  );
}
