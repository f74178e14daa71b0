import { activationQr, resendActivation } from '../lib/activation-qr.js';
import { api } from '../lib/api.js';
import { focus, h, tr } from '../lib/dom.js';
import { heading } from '../lib/forms.js';
import {
  type Contacts,
  type RegistrationStatus,
  registrationFlow,
  savedContacts,
} from '../lib/registration-flow.js';
import { type Page, startPage } from '../lib/shell.js';

/**
 * Registration (PRODUCT.md flow 1): email and phone, then the email code (or
 * the link) and the SMS code, then the activation QR code for the phone app.
 * `?id=` continues a registration already started.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'reg.title', devOutboxLink: true });
  const flow = registrationFlow({
    page,
    host: page.main,
    level: 'h1',
    title: 'reg.title',
    intro: 'reg.intro',
    onStarted: (contacts) =>
      history.replaceState(null, '', `${location.pathname}?id=${encodeURIComponent(contacts.id)}`),
    onRestart: () => history.replaceState(null, '', location.pathname),
    completed: (contacts) => doneStep(page, contacts),
  });

  const id = new URLSearchParams(location.search).get('id');
  if (!id) {
    flow.start();
    return;
  }
  try {
    const status = await api<RegistrationStatus>(
      'GET',
      `/v1/registrations/${encodeURIComponent(id)}`,
    );
    const contacts = savedContacts(id) ?? { id, email: '', phone: '' };
    if (status.completed) doneStep(page, contacts);
    else flow.resume(contacts, status);
  } catch (error) {
    flow.startWithError(error);
  }
}

function doneStep(page: Page, contacts: Contacts): void {
  const title = heading('h1', 'reg.doneTitle', 'done-heading');
  const parts: HTMLElement[] = [
    title,
    h('p', { text: tr('reg.doneText') }),
    activationQr(`/v1/registrations/${encodeURIComponent(contacts.id)}/activation-qr`, true),
  ];
  if (contacts.email) parts.push(resendActivation(page, contacts.email));
  parts.push(
    h(
      'p',
      {},
      h('span', { text: tr('reg.thenSignIn') }),
      ' ',
      h('a', { href: '/', text: tr('nav.signIn'), testid: 'sign-in-link' }),
    ),
  );
  page.main.replaceChildren(h('div', { class: 'stack' }, ...parts));
  focus(title);
}

void main();
