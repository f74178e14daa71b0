import { matchHint, operationText, summaryRows } from '../../device/request-summary.js';
import type { AppContext } from '../context.js';
import { h, screen } from '../dom.js';
import { approvalForm } from './approval-form.js';
import { detailsList, firstTimeNotice } from './confirm.js';

/**
 * Online approval (PRODUCT.md flows 8 and 11): the pending requests of the account, kept current
 * by the event stream, each with what it asks for (site, operation, and for a payment the
 * amount, recipient and note), approved with the number the site shows, or denied.
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
            const prefix = `request-${request.id}`;
            const site = request.site ?? ctx.t('securitySite');
            const op = operationText(request, ctx.t.bind(ctx));
            const rows = summaryRows(request, ctx.t.bind(ctx), site);
            return h(
              'li',
              {
                class: 'request',
                'data-testid': prefix,
                'aria-labelledby': `${prefix}-title`,
              },
              h('h2', { id: `${prefix}-title` }, ctx.t('requestTitle', { op, site })),
              request.firstTime === true ? firstTimeNotice(ctx, site, prefix) : null,
              detailsList(rows.map((row) => [row.label, row.value, `${prefix}-${row.part}`])),
              h(
                'p',
                { class: 'help' },
                ctx.t('startedFrom', { ip: request.ip }),
                ' · ',
                ctx.t('expiresAt', { time: time.format(request.expiresAt) }),
              ),
              approvalForm(ctx, request.id, {
                hint: matchHint(request, ctx.t.bind(ctx), site),
                expiresAt: request.expiresAt,
                firstTime: request.firstTime === true,
              }),
            );
          }),
        ),
  );
}
