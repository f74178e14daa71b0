import { currentLang } from '../i18n/i18n.js';
import { api } from '../lib/api.js';
import { ApiError } from '../lib/api-error.js';
import { bind, h, show, tr } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { errorBox, field, heading, showError, showProblem, whileBusy } from '../lib/forms.js';
import { startPage } from '../lib/shell.js';

/** A message kept by the development outbox (`GET /v1/dev/outbox`). */
interface OutboxMessage {
  readonly id: number;
  readonly channel: 'email' | 'sms' | string;
  readonly to: string;
  readonly subject: string | null;
  readonly body: string;
  readonly createdAt: number;
}

/** The body as text with its web links made clickable (never as HTML). */
function bodyWithLinks(body: string): HTMLElement {
  const pre = h('pre', { class: 'message-body', testid: 'outbox-body' });
  let last = 0;
  for (const match of body.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const index = match.index ?? 0;
    pre.append(
      body.slice(last, index),
      h('a', { href: match[0], testid: 'outbox-body-link' }, match[0]),
    );
    last = index + match[0].length;
  }
  pre.append(body.slice(last));
  return pre;
}

function messageItem(message: OutboxMessage): HTMLLIElement {
  const time = h('time', { datetime: new Date(message.createdAt).toISOString() });
  bind(time, () => formatDateTime(message.createdAt, currentLang()));
  const channel = h('span', { class: 'badge' });
  if (message.channel === 'email') bind(channel, tr('outbox.email'));
  else if (message.channel === 'sms') bind(channel, tr('outbox.sms'));
  else channel.textContent = message.channel;
  const li = h(
    'li',
    { class: 'message card', testid: 'outbox-message' },
    h(
      'p',
      { class: 'message-head' },
      channel,
      ' ',
      h('span', { text: tr('outbox.toLabel') }),
      ': ',
      h('strong', { testid: 'outbox-to' }, message.to),
      ' · ',
      time,
    ),
    message.subject
      ? h('h2', { class: 'message-subject', testid: 'outbox-subject' }, message.subject)
      : null,
    bodyWithLinks(message.body),
  );
  li.dataset.channel = message.channel;
  li.dataset.to = message.to;
  return li;
}

/**
 * The development outbox: the emails and SMS the service keeps instead of
 * sending them, so codes can be read with no mail server or SMS gateway.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'outbox.title' });
  const title = heading('h1', 'outbox.title');
  const to = field({
    label: 'outbox.to',
    name: 'to',
    testid: 'outbox-to-filter',
    required: false,
    maxlength: 320,
  });
  const errors = errorBox();
  const form = h(
    'form',
    { class: 'stack card', novalidate: true, role: 'search' },
    to.wrap,
    h(
      'div',
      { class: 'actions' },
      h('button', {
        type: 'submit',
        class: 'primary',
        text: tr('outbox.filter'),
        testid: 'outbox-show',
      }),
    ),
  );
  const list = h('ol', { class: 'messages', testid: 'outbox-list' });
  const empty = h('p', { text: tr('outbox.none'), hidden: true, testid: 'outbox-empty' });
  page.main.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      h('p', { text: tr('outbox.intro') }),
      form,
      errors,
      empty,
      list,
    ),
  );

  const load = () =>
    whileBusy(form, async () => {
      const query = new URLSearchParams({ limit: '50' });
      const filter = to.input.value.trim();
      if (filter) query.set('to', filter);
      try {
        const { messages } = await api<{ messages: OutboxMessage[] }>(
          'GET',
          `/v1/dev/outbox?${query}`,
        );
        errors.hidden = true;
        list.replaceChildren(...messages.map(messageItem));
        show(empty, messages.length === 0);
        page.say(tr('outbox.count', { n: messages.length }));
      } catch (error) {
        list.replaceChildren();
        if (error instanceof ApiError && error.code === 'ERR_NOT_FOUND')
          showProblem(errors, tr('outbox.disabled'));
        else showError(errors, error);
      }
    });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  await load();
}

void main();
