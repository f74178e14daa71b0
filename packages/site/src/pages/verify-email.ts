import { api } from '../lib/api.js';
import { focus, h, tr } from '../lib/dom.js';
import { errorBox, heading, showError, showProblem } from '../lib/forms.js';
import { startPage } from '../lib/shell.js';

interface RegistrationStatus {
  readonly id: string;
  readonly emailVerified: boolean;
  readonly phoneVerified: boolean;
  readonly completed: boolean;
}

/**
 * Where the link in the registration email lands (`?token=`): confirms the
 * email and leads on to the SMS code or, when both are done, to the
 * activation QR code.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'verifyEmail.title', devOutboxLink: true });
  const title = heading('h1', 'verifyEmail.title');
  const errors = errorBox();
  const result = h('div', { class: 'stack' });
  page.main.replaceChildren(h('div', { class: 'stack' }, title, errors, result));

  const token = new URLSearchParams(location.search).get('token');
  // The token is a secret: keep it out of the history and of anything copied from the address bar.
  history.replaceState(null, '', location.pathname);
  if (!token) {
    showProblem(errors, tr('verifyEmail.noToken'));
    return;
  }
  page.say(tr('verifyEmail.checking'));
  try {
    const status = await api<RegistrationStatus>(
      'GET',
      `/v1/registrations/verify-email?token=${encodeURIComponent(token)}`,
    );
    page.say(null);
    const done = h('p', {
      class: 'done',
      text: tr(status.completed ? 'verifyEmail.completed' : 'verifyEmail.done'),
      testid: 'email-confirmed',
    });
    result.replaceChildren(
      done,
      h(
        'p',
        {},
        h('a', {
          href: `/register.html?id=${encodeURIComponent(status.id)}`,
          class: 'button',
          text: tr('verifyEmail.continue'),
          testid: 'continue-registration',
        }),
      ),
    );
    focus(done);
  } catch (error) {
    page.say(null);
    showError(errors, error);
    result.replaceChildren(
      h('p', {}, h('a', { href: '/register.html', text: tr('common.startAgain') })),
    );
  }
}

void main();
