import { currentLang } from '../i18n/i18n.js';
import { activationQr, resendActivation } from '../lib/activation-qr.js';
import { api } from '../lib/api.js';
import { ApiError } from '../lib/api-error.js';
import { type ChallengePanel, challengePanel } from '../lib/challenge-panel.js';
import {
  type ConfirmPage,
  type ConfirmStep,
  confirmApi,
  confirmStep,
  consentAction,
  finalMessage,
  keepToken,
  operationFacts,
  type PageAddress,
  pagePath,
  readPageAddress,
  storedToken,
} from '../lib/confirm-page.js';
import { bind, focus, h, show, tr } from '../lib/dom.js';
import { errorBox, heading, showError, whileBusy } from '../lib/forms.js';
import {
  type Contacts,
  lastContacts,
  type RegistrationStatus,
  registrationFlow,
} from '../lib/registration-flow.js';
import { type Page, startPage } from '../lib/shell.js';

const POLL_MS = 3000;

/**
 * The confirmation page (`confirmUrl`, PRODUCT.md flows 3, 7, 8 and 11): what a relying site
 * asks for; registration for the email when it has no account, then the app's activation; the
 * consent to the site; and the challenge with its QR code and the number to match in the app.
 * It follows the confirmation by polling until it is no longer pending.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'confirm.title', devOutboxLink: true });
  const title = heading('h1', 'confirm.title');
  const errors = errorBox();
  page.main.replaceChildren(h('div', { class: 'stack' }, title, errors));
  const address = readPageAddress(location.search, storedToken);
  if (!address) {
    errors.before(h('p', { text: tr('confirm.noLink'), testid: 'confirm-no-link' }));
    return;
  }
  keepToken(address);
  // The token opens this page only: it leaves the address bar (and the history) at once.
  history.replaceState(null, '', pagePath(address.id));
  let info: ConfirmPage;
  try {
    info = await confirmApi(address).load();
  } catch (error) {
    showError(errors, error);
    return;
  }
  run(page, address, title, errors, info);
}

function run(
  page: Page,
  address: PageAddress,
  title: HTMLHeadingElement,
  errors: HTMLElement,
  initial: ConfirmPage,
): void {
  const calls = confirmApi(address);
  let info = initial;
  const site = () => info.site.name;
  const facts = h('dl', { class: 'facts' });
  for (const fact of operationFacts(info, currentLang())) {
    const value = h('dd', { testid: `confirm-${fact.part}` });
    // Operation names follow the language; the rest is the site's own text.
    bind(
      value,
      () => operationFacts(info, currentLang()).find((f) => f.part === fact.part)?.value ?? '',
    );
    facts.append(h('dt', { text: tr(fact.label) }), value);
  }
  const summary = h(
    'section',
    { class: 'card stack', testid: 'confirm-summary' },
    h('p', { text: () => tr('confirm.intro', { site: site() })() }),
    facts,
  );
  const body = h('div', { class: 'stack' });
  page.main.replaceChildren(h('div', { class: 'stack' }, title, summary, errors, body));

  let shown: ConfirmStep | null = null;
  let shownChallenge = '';
  let registering = false;
  let panel: ChallengePanel | null = null;
  let trouble: ((trouble: boolean) => void) | null = null;
  const consentBox = h('section', { class: 'card stack', testid: 'consent' });

  const render = (next: ConfirmPage) => {
    info = next;
    const step = confirmStep(next);
    if (step === shown && (step !== 'challenge' || next.challenge === shownChallenge)) {
      if (step === 'challenge') renderConsent();
      return;
    }
    shown = step;
    shownChallenge = next.challenge ?? '';
    panel?.stop();
    panel = null;
    trouble = null;
    show(errors, false);
    let target: HTMLElement | null = null;
    if (step === 'final') {
      const done = h('p', {
        class: next.status === 'confirmed' ? 'done' : 'warning',
        text: () => tr(finalMessage(next.status) ?? 'confirm.checkAgain', { site: site() })(),
        testid: 'confirm-final',
        tabindex: '-1',
      });
      done.dataset.status = next.status;
      body.replaceChildren(done);
      target = done;
    } else if (step === 'register') {
      target = registerOffer();
    } else if (step === 'activate') {
      target = activateStep();
    } else {
      panel = challengePanel({
        info: {
          id: next.id,
          challenge: next.challenge ?? '',
          uri: next.uri ?? '',
          ...(next.matchNumber ? { matchNumber: next.matchNumber } : {}),
          expiresAt: next.expiresAt,
        },
        title: 'confirm.challengeTitle',
        submit: 'conf.verify',
        typeElsewhere: () => tr('confirm.typeAtSite', { site: site() })(),
        // The page's own polling follows the confirmation; the panel shows its progress.
        waitFor: (signal, onTrouble) =>
          new Promise((resolve) => {
            trouble = onTrouble;
            signal.addEventListener('abort', () => resolve(null));
          }),
        redeem: async () => render(await calls.load()),
        restart: () => void refresh(true),
        restartLabel: 'confirm.checkAgain',
      });
      renderConsent();
      body.replaceChildren(consentBox, panel.element);
      target = consentBox.hidden ? panel.heading : consentBox;
    }
    if (target && shown !== null) focus(target);
  };

  const renderConsent = () => {
    const action = consentAction(info, page.session !== null);
    show(consentBox, action !== 'none');
    const name = site();
    const parts: HTMLElement[] = [h('h2', { text: tr('confirm.consentTitle', { site: name }) })];
    if (action === 'allow') {
      const consentErrors = errorBox();
      const allow = h('button', {
        type: 'button',
        class: 'primary',
        text: tr('confirm.consentAllow', { site: name }),
        testid: 'consent-allow',
      });
      allow.addEventListener('click', () =>
        whileBusy(consentBox, async () => {
          try {
            render(await calls.consent());
            page.say(tr('confirm.consented', { site: name }));
          } catch (error) {
            showError(consentErrors, error);
          }
        }),
      );
      parts.push(h('p', { text: tr('confirm.consentText', { site: name }) }), allow, consentErrors);
    } else if (action === 'sign-in') {
      const query = new URLSearchParams({ next: pagePath(info.id), email: info.email });
      parts.push(
        h('p', { text: tr('confirm.consentText', { site: name }) }),
        h(
          'p',
          {},
          h('a', {
            href: `/?${query}`,
            class: 'button',
            text: tr('confirm.consentSignIn'),
            testid: 'consent-sign-in',
          }),
        ),
        h('p', { class: 'hint', text: tr('confirm.consentOrApp', { site: name }) }),
      );
    } else if (action === 'other-account') {
      parts.push(
        h('p', {
          class: 'warning',
          text: tr('confirm.consentOtherAccount', { site: name, email: info.email }),
          testid: 'consent-other-account',
        }),
        h('p', { class: 'hint', text: tr('confirm.consentOrApp', { site: name }) }),
      );
    }
    consentBox.replaceChildren(...parts);
  };

  const registerOffer = (): HTMLElement => {
    const offerTitle = heading('h2', 'confirm.noAccountTitle', 'register-heading');
    const offerErrors = errorBox();
    const start = h('button', {
      type: 'button',
      class: 'primary',
      text: tr('confirm.registerButton', { email: info.email }),
      testid: 'confirm-register',
    });
    const offer = h(
      'section',
      { class: 'card stack', testid: 'register-offer' },
      offerTitle,
      h('p', { text: tr('confirm.noAccountText', { email: info.email }) }),
      offerErrors,
      h('p', {}, start),
    );
    start.addEventListener('click', () =>
      whileBusy(offer, async () => {
        try {
          // Keeps the confirmation open while the person registers (up to 30 minutes).
          render(await calls.hold());
          if (shown === 'register') register();
        } catch (error) {
          showError(offerErrors, error);
        }
      }),
    );
    body.replaceChildren(offer);
    return offerTitle;
  };

  const flow = () =>
    registrationFlow({
      page,
      host: body,
      level: 'h2',
      title: 'confirm.regTitle',
      intro: 'confirm.regIntro',
      email: info.email,
      onRestart: () => undefined,
      completed: () => {
        registering = false;
        void refresh(true);
      },
    });

  const register = (contacts?: Contacts, status?: RegistrationStatus) => {
    registering = true;
    if (contacts && status) flow().resume(contacts, status);
    else flow().start();
  };

  const activateStep = (): HTMLElement => {
    const stepTitle = heading('h2', 'confirm.activateTitle', 'activate-heading');
    const contacts = ownContacts();
    const waiting = h('p', {
      class: 'wait-status',
      role: 'status',
      text: tr('confirm.activateWaiting'),
      testid: 'activate-waiting',
    });
    body.replaceChildren(
      h(
        'section',
        { class: 'card stack', testid: 'activate-step' },
        stepTitle,
        contacts
          ? h('p', { text: tr('confirm.activateText') })
          : h('p', { text: tr('confirm.activateTextNoQr', { email: info.email }) }),
        contacts
          ? activationQr(`/v1/registrations/${encodeURIComponent(contacts.id)}/activation-qr`, true)
          : null,
        resendActivation(page, info.email),
        waiting,
      ),
    );
    return stepTitle;
  };

  /** The registration made in this tab for the confirmation's email, if any. */
  const ownContacts = (): Contacts | null => {
    const contacts = lastContacts();
    return contacts && contacts.email.toLowerCase() === info.email.toLowerCase() ? contacts : null;
  };

  let polling = false;
  const refresh = async (force = false) => {
    if (polling || (registering && !force)) return;
    polling = true;
    try {
      // Once the app is activated, rebinding puts the challenge on the new account.
      // A poll of the page's own: it does not count as the person's activity.
      const next = shown === 'activate' ? await calls.rebind() : await calls.poll();
      trouble?.(false);
      render(next);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'ERR_ACCOUNT_NOT_READY') return;
      if (error instanceof ApiError && error.code === 'ERR_NETWORK') trouble?.(true);
      else if (error instanceof ApiError && error.status === 410) render(await calls.load());
      else showError(errors, error);
    } finally {
      polling = false;
    }
  };

  render(info);
  // A registration of this tab for the same email continues after a reload.
  const contacts = ownContacts();
  if (shown === 'register' && contacts) {
    api<RegistrationStatus>('GET', `/v1/registrations/${encodeURIComponent(contacts.id)}`).then(
      (status) => {
        if (!status.completed && shown === 'register') register(contacts, status);
      },
      () => undefined,
    );
  }
  const timer = window.setInterval(() => {
    if (shown === 'final') {
      clearInterval(timer);
      return;
    }
    if (!document.hidden) void refresh();
  }, POLL_MS);
}

void main();
