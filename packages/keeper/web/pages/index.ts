import { ApiError, api, setCsrfToken } from '../lib/api.js';
import { confirmPanel, focusPanel, type Outcome } from '../lib/confirm-panel.js';
import { clearProblem, errorBox, field, focus, h, showProblem, tr, whileBusy } from '../lib/dom.js';
import { errorText } from '../lib/i18n.js';
import { startPage } from '../lib/shell.js';

interface StartedLogin {
  readonly id: string;
  readonly challenge: string;
  readonly uri: string;
  readonly matchNumber: string;
  readonly expiresAt: number;
  readonly confirmUrl?: string;
}
interface LoginState {
  readonly status: Outcome;
  readonly signedIn: boolean;
  readonly csrfToken?: string;
  /** While pending: what the person answers now (re-issued after inline registration). */
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
  readonly expiresAt?: number;
}

/** The login page: email → Cipherpad `login` confirmation (challenge, QR, number to match) → wallet. */
async function main(): Promise<void> {
  const page = await startPage({ title: 'login.title', needsSession: false });
  if (!page) return;
  if (page.session.signedIn) {
    location.assign('/wallet.html');
    return;
  }
  // Sent here because the session ended for inactivity: say so first.
  if (new URLSearchParams(location.search).get('ended') === 'idle') page.say(tr('idle.ended'));
  const title = h('h1', { text: tr('login.title'), tabindex: '-1', testid: 'login-heading' });
  const email = field({
    label: 'login.email',
    name: 'email',
    type: 'email',
    autocomplete: 'email',
    testid: 'email',
    maxlength: 254,
  });
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
    page.session.configured
      ? null
      : h('p', { class: 'error', text: tr('login.notConfigured'), testid: 'not-configured' }),
    form,
  );
  page.main.replaceChildren(first);

  const restart = () => {
    page.main.replaceChildren(first);
    focus(title);
  };
  const signedIn = (state: LoginState) => {
    if (state.csrfToken) setCsrfToken(state.csrfToken);
    location.assign('/wallet.html');
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearProblem(errors, email.input);
    void whileBusy(form, async () => {
      let login: StartedLogin;
      try {
        login = await api<StartedLogin>('POST', '/api/login', {
          body: { email: email.input.value.trim() },
        });
      } catch (error) {
        const failure = error instanceof ApiError ? error : new ApiError('ERR_NETWORK', 0);
        showProblem(errors, () => errorText(failure.code, failure.details), email.input);
        return;
      }
      const path = `/api/login/${encodeURIComponent(login.id)}`;
      const outcomeOf = (state: LoginState): Outcome => {
        if (state.signedIn) signedIn(state);
        return state.status === 'confirmed' && !state.signedIn ? 'pending' : state.status;
      };
      let shown = login.challenge;
      const panel = confirmPanel({
        title: 'login.confirmTitle',
        channel: 'cipherpad',
        challenge: login.challenge,
        uri: login.uri,
        matchNumber: login.matchNumber,
        expiresAt: login.expiresAt,
        ...(login.confirmUrl ? { confirmUrl: login.confirmUrl } : {}),
        verify: async (response) =>
          outcomeOf(await api<LoginState>('POST', `${path}/verify`, { body: { response } })),
        poll: async (signal) => {
          // With the challenge shown, the keeper answers at once when it was re-issued.
          const state = await api<LoginState>(
            'GET',
            `${path}/status?wait=25&challenge=${encodeURIComponent(shown)}`,
            { signal },
          );
          // Registering inline on Cipherpad's page re-issues the challenge and number.
          if (state.status === 'pending' && state.challenge) {
            shown = state.challenge;
            panel.update(state);
          }
          if (state.status === 'confirmed' && !state.signedIn) {
            // The typed response opened the session at the same moment: it is in the cookie.
            location.assign('/wallet.html');
            return 'pending';
          }
          return outcomeOf(state);
        },
        done: () => undefined,
        over: () => {
          const again = h('button', {
            type: 'button',
            class: 'secondary',
            text: tr('confirm.startAgain'),
            testid: 'start-again',
            onclick: restart,
          });
          panel.element.append(h('p', {}, again));
        },
      });
      page.main.replaceChildren(panel.element);
      focusPanel(panel);
    });
  });
}

void main();
