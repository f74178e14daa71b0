import { en } from '../i18n/en.js';
import { currentLang, type MessageKey } from '../i18n/i18n.js';
import { api } from '../lib/api.js';
import { bind, focus, h, show, tr } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { errorBox, heading, showError, whileBusy } from '../lib/forms.js';
import { isSignedOut, requireSignIn } from '../lib/session.js';
import { startPage } from '../lib/shell.js';

/** One entry of the activity log. */
interface ActivityEvent {
  readonly id: string;
  readonly type: string;
  readonly at: number;
  readonly ip: string | null;
  readonly device: { readonly id: string; readonly name: string } | null;
  readonly site: string | null;
  readonly suspicious: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
}

const PAGE_SIZE = 20;

function eventLabel(type: string): MessageKey | null {
  const key = `event.${type}`;
  return Object.hasOwn(en, key) ? (key as MessageKey) : null;
}

function fact(key: MessageKey, value: string): HTMLElement[] {
  return [h('dt', { text: tr(key) }), h('dd', {}, value)];
}

function eventRow(event: ActivityEvent): HTMLLIElement {
  const li = h('li', {
    class: event.suspicious ? 'event suspicious' : 'event',
    testid: 'activity-row',
  });
  li.dataset.type = event.type;
  li.dataset.suspicious = String(event.suspicious);
  const label = h('h2', { class: 'event-type' });
  const key = eventLabel(event.type);
  if (key) bind(label, tr(key));
  else label.textContent = event.type;
  const time = h('time', { datetime: new Date(event.at).toISOString() });
  bind(time, () => formatDateTime(event.at, currentLang()));
  const facts = h('dl', { class: 'facts' });
  if (event.ip) facts.append(...fact('activity.ip', event.ip));
  if (event.device) facts.append(...fact('activity.device', event.device.name));
  if (event.site) facts.append(...fact('activity.site', event.site));
  // An approval that ended a block: how many wrong attempts, when, and from where.
  const details = event.details ?? {};
  if (event.type === 'account.unblocked' && typeof details.failures === 'number') {
    facts.append(...fact('activity.failures', String(details.failures)));
    for (const [key, label] of [
      ['first', 'activity.firstFailure'],
      ['last', 'activity.lastFailure'],
    ] as const) {
      const at = details[key];
      if (typeof at === 'number') facts.append(...fact(label, formatDateTime(at, currentLang())));
    }
    if (typeof details.addresses === 'string' && details.addresses !== '') {
      facts.append(...fact('activity.failureAddresses', details.addresses));
    }
  }
  li.append(
    h(
      'div',
      { class: 'event-head' },
      label,
      event.suspicious
        ? h('strong', {
            class: 'badge alert',
            text: tr('activity.suspicious'),
            testid: 'suspicious',
          })
        : null,
    ),
    time,
    facts,
  );
  return li;
}

/**
 * The activity log (PRODUCT.md flow 9): sign-ins, confirmations and changes
 * with time, IP, device and site; suspicious ones marked; "load more" pages
 * back through older events.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'activity.title' });
  if (!page.session) {
    requireSignIn();
    return;
  }
  const title = heading('h1', 'activity.title');
  const list = h('ol', { class: 'events', testid: 'activity-list' });
  const empty = h('p', { text: tr('activity.none'), hidden: true, testid: 'activity-empty' });
  const end = h('p', { class: 'hint', text: tr('activity.end'), hidden: true });
  const errors = errorBox();
  const more = h('button', {
    type: 'button',
    class: 'secondary',
    text: tr('activity.more'),
    testid: 'load-more',
    hidden: true,
  });
  const controls = h('div', { class: 'stack' }, errors, more, end);
  page.main.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      h('p', { text: tr('activity.intro') }),
      empty,
      list,
      controls,
    ),
  );

  let before: string | null = null;
  let shown = 0;
  const load = () =>
    whileBusy(controls, async () => {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (before) query.set('before', before);
      try {
        const { events } = await api<{ events: ActivityEvent[] }>(
          'GET',
          `/v1/account/activity?${query}`,
        );
        const first = events[0] ? eventRow(events[0]) : null;
        if (first) list.append(first, ...events.slice(1).map(eventRow));
        shown += events.length;
        before = events.at(-1)?.id ?? before;
        const finished = events.length < PAGE_SIZE;
        show(more, !finished);
        show(end, finished && shown > 0);
        show(empty, shown === 0);
        page.say(tr('activity.loaded', { n: shown }));
        // After "load more", continue reading at the first new event.
        if (first && shown > events.length) focus(first);
      } catch (error) {
        if (isSignedOut(error)) requireSignIn();
        else showError(errors, error);
      }
    });
  more.addEventListener('click', () => void load());
  await load();
}

void main();
