import { api } from '../lib/api.js';
import { type ChallengeInfo, challengePanel } from '../lib/challenge-panel.js';
import { focus, h, tr } from '../lib/dom.js';
import { clearError, errorBox, field, heading, showError, whileBusy } from '../lib/forms.js';
import { nextPage } from '../lib/session.js';
import { type Page, startPage } from '../lib/shell.js';

/** What `POST /v1/logins` answers. */
interface StartedLogin extends ChallengeInfo {
  readonly challenge: string;
  readonly uri: string;
}

/**
 * The sign-in page (PRODUCT.md flows 5, 7 and 8): email, then the challenge
 * with its QR code and the number to match in the app; the typed response or
 * the online approval opens a cookie session.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'login.title', devOutboxLink: true });
  if (page.session) {
    signedIn(page, page.session.account.email);
    return;
  }

  // Sent here because the session ended for inactivity: say so first.
  if (new URLSearchParams(location.search).get('ended') === 'idle') {
    page.say(tr('idle.ended'));
  }

  const title = heading('h1', 'login.title');
  const email = field({
    label: 'login.email',
    name: 'email',
    type: 'email',
    autocomplete: 'username',
    testid: 'email',
    maxlength: 254,
  });
  // A page that sends here to sign in (a confirmation) may name the account's email.
  const asked = new URLSearchParams(location.search).get('email');
  if (asked && asked.length <= 254) email.input.value = asked;
  const errors = errorBox();
  const form = h(
    'form',
    { class: 'stack card', novalidate: true },
    email.wrap,
    errors,
    h('button', {
      type: 'submit',
      class: 'primary',
      text: tr('login.submit'),
      testid: 'login-submit',
    }),
  );
  const first = h(
    'div',
    { class: 'stack' },
    title,
    h('p', { text: tr('login.intro') }),
    form,
    h(
      'p',
      {},
      h('span', { text: tr('login.noAccount') }),
      ' ',
      h('a', { href: '/register.html', text: tr('login.registerLink'), testid: 'register-link' }),
    ),
  );
  page.main.replaceChildren(first);

  const restart = () => {
    page.say(null);
    page.main.replaceChildren(first);
    focus(title);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(errors, email.input);
    void whileBusy(form, async () => {
      let login: StartedLogin;
      try {
        login = await api<StartedLogin>('POST', '/v1/logins', {
          body: { email: email.input.value.trim() },
        });
      } catch (error) {
        showError(errors, error, email.input);
        return;
      }
      const done = () => {
        const next = nextPage(location.search);
        page.say(tr(next === '/settings.html' ? 'login.success' : 'login.successBack'));
        location.assign(next);
      };
      const panel = challengePanel({
        info: login,
        title: 'login.confirmTitle',
        submit: 'login.verify',
        verify: async (response) => {
          await api('POST', `/v1/logins/${encodeURIComponent(login.id)}/verify`, {
            body: { response, session: 'cookie' },
          });
          done();
        },
        redeem: async () => {
          await api('POST', `/v1/logins/${encodeURIComponent(login.id)}/session`, {
            body: { session: 'cookie' },
            headers: { 'x-wait-token': login.waitToken ?? '' },
          });
          done();
        },
        restart,
      });
      page.main.replaceChildren(panel.element);
      focus(panel.heading);
    });
  });
}

function signedIn(page: Page, email: string): void {
  // Sent here because the session ended for inactivity: say so first.
  if (new URLSearchParams(location.search).get('ended') === 'idle') {
    page.say(tr('idle.ended'));
  }

  const title = heading('h1', 'login.title');
  page.main.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      h('p', { text: tr('login.signedInAs', { email }), testid: 'signed-in-as' }),
      h(
        'p',
        { class: 'actions' },
        h('a', { href: '/settings.html', class: 'button', text: tr('nav.settings') }),
        h('a', { href: '/activity.html', class: 'button secondary', text: tr('nav.activity') }),
      ),
    ),
  );
}

void main();
