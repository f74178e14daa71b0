import { currentLang } from '../i18n/i18n.js';
import { api } from './api.js';
import { confirmStep } from './confirm-step.js';
import { bind, focus, h, show, tr, uid } from './dom.js';
import { formatDateTime } from './format.js';
import { errorBox, showError } from './forms.js';
import { isSignedOut, requireSignIn } from './session.js';
import type { Page } from './shell.js';

/** A site the account allows to ask it for confirmations (`GET /v1/account/sites`). */
export interface ConsentedSite {
  readonly clientId: string;
  readonly name: string;
  readonly consentedAt?: number;
}

/** The well-formed entries of the service's list (anything else is skipped, not shown half). */
export function readSites(value: unknown): ConsentedSite[] {
  const list = (value as { sites?: unknown } | null)?.sites;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const site = item as Record<string, unknown> | null;
    if (!site || typeof site.clientId !== 'string' || typeof site.name !== 'string') return [];
    return [
      {
        clientId: site.clientId,
        name: site.name,
        ...(typeof site.consentedAt === 'number' ? { consentedAt: site.consentedAt } : {}),
      },
    ];
  });
}

/**
 * The settings' list of sites with consent (docs/confirmation-api.md, "Consent"), each with
 * "withdraw" (`POST /v1/account/sites/:clientId/withdraw`) after a confirmation question.
 */
export function sitesSection(page: Page): HTMLElement {
  const id = uid('section');
  const list = h('ul', { class: 'devices', testid: 'sites-list' });
  const empty = h('p', { text: tr('sites.none'), testid: 'sites-empty', hidden: true });
  const errors = errorBox();
  const section = h(
    'section',
    { class: 'card stack', 'aria-labelledby': id, testid: 'sites' },
    h('h2', { id, text: tr('sites.title'), tabindex: '-1' }),
    h('p', { text: tr('sites.intro') }),
    errors,
    empty,
    list,
  );
  const refreshEmpty = () => show(empty, list.childElementCount === 0);

  const row = (site: ConsentedSite): HTMLLIElement => {
    const li = h('li', { class: 'device', testid: 'site-row' });
    li.dataset.clientId = site.clientId;
    const name = h('h3', { class: 'device-name', testid: 'site-name', tabindex: '-1' }, site.name);
    const facts = h('dl', { class: 'facts' });
    if (site.consentedAt !== undefined) {
      const at = site.consentedAt;
      const time = h('time', { datetime: new Date(at).toISOString(), testid: 'site-since' });
      bind(time, () => formatDateTime(at, currentLang()));
      facts.append(h('dt', { text: tr('sites.since') }), h('dd', {}, time));
    }
    const rowErrors = errorBox();
    const panel = h('div', { class: 'stack' });
    const withdraw = h('button', {
      type: 'button',
      class: 'danger',
      text: tr('sites.withdrawShort'),
      'aria-label': tr('sites.withdraw', { name: site.name }),
      testid: 'withdraw',
    });
    const actions = h('div', { class: 'actions' }, withdraw);
    withdraw.addEventListener('click', () =>
      confirmStep({
        panel,
        actions,
        errors: rowErrors,
        question: tr('sites.confirmWithdraw', { name: site.name }),
        label: tr('sites.withdraw', { name: site.name }),
        confirmText: tr('sites.confirmWithdrawButton', { name: site.name }),
        confirmTestid: 'confirm-withdraw',
        confirm: async () => {
          await api('POST', `/v1/account/sites/${encodeURIComponent(site.clientId)}/withdraw`);
          li.remove();
          refreshEmpty();
          page.say(tr('sites.withdrawn', { name: site.name }));
          focus(section.querySelector('h2') ?? section);
        },
        cancelled: () => withdraw.focus(),
      }),
    );
    li.append(name, facts, actions, panel);
    return li;
  };

  // Loaded on its own: a failure here leaves the rest of the settings usable.
  api<unknown>('GET', '/v1/account/sites').then(
    (value) => {
      list.replaceChildren(...readSites(value).map(row));
      refreshEmpty();
    },
    (error: unknown) => {
      if (isSignedOut(error)) requireSignIn();
      else showError(errors, error);
    },
  );
  return section;
}
