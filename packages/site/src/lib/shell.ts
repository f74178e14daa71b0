import { currentLang, initLang, type MessageKey, setLang } from '../i18n/i18n.js';
import { api } from './api.js';
import { ApiError } from './api-error.js';
import { bind, h, type Render, relocalize, show, tr } from './dom.js';
import { errorMessage } from './error-message.js';
import { watchIdle } from './idle-warning.js';
import { loadSession, requireSignIn, type SessionInfo, signOut } from './session.js';

/** The frame of a page: where its content goes, its status line, who is signed in. */
export interface Page {
  readonly main: HTMLElement;
  readonly session: SessionInfo | null;
  /** Says something in the page's polite live region (`data-testid="status"`), or clears it. */
  say(render: Render | null): void;
}

interface NavLink {
  readonly href: string;
  readonly key: MessageKey;
  readonly testid: string;
}

const SIGNED_OUT: readonly NavLink[] = [
  { href: '/', key: 'nav.signIn', testid: 'nav-sign-in' },
  { href: '/register.html', key: 'nav.register', testid: 'nav-register' },
];
const SIGNED_IN: readonly NavLink[] = [
  { href: '/settings.html', key: 'nav.settings', testid: 'nav-settings' },
  { href: '/activity.html', key: 'nav.activity', testid: 'nav-activity' },
];

/**
 * Builds the page frame: skip link, header with the navigation and the
 * language switch, the `main` landmark, the footer. Reads the session first,
 * so the navigation and the CSRF token are right from the start.
 */
export async function startPage(options: {
  readonly title: MessageKey;
  readonly devOutboxLink?: boolean;
}): Promise<Page> {
  initLang();
  const title = document.querySelector('title') ?? document.head.appendChild(h('title'));
  bind(title, () => `${tr(options.title)()} · Cipherpad`);

  let session: SessionInfo | null = null;
  let sessionError: unknown = null;
  try {
    session = await loadSession();
  } catch (error) {
    sessionError = error;
  }

  const nav = h('ul', { class: 'nav-list' });
  const links = session ? SIGNED_IN : SIGNED_OUT;
  for (const link of links) {
    const here =
      link.href === location.pathname || (link.href === '/' && location.pathname === '/index.html');
    nav.append(
      h(
        'li',
        {},
        h('a', {
          href: link.href,
          text: tr(link.key),
          testid: link.testid,
          'aria-current': here ? 'page' : null,
        }),
      ),
    );
  }
  if (session) {
    const out = h('button', {
      type: 'button',
      class: 'link-button',
      text: tr('nav.signOut'),
      testid: 'sign-out',
      onclick: async () => {
        out.disabled = true;
        try {
          await signOut();
          location.assign('/');
        } catch (error) {
          out.disabled = false;
          page.say(() => errorMessage(toError(error), currentLang()));
        }
      },
    });
    nav.append(h('li', {}, out));
  }

  const langButton = h('button', {
    type: 'button',
    class: 'lang-switch',
    text: tr('lang.other'),
    lang: tr('lang.otherCode'),
    testid: 'lang-switch',
    onclick: () => {
      setLang(currentLang() === 'en' ? 'ru' : 'en');
      relocalize();
    },
  });

  const status = h('p', {
    class: 'status',
    role: 'status',
    'aria-live': 'polite',
    testid: 'status',
  });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const footer = h('footer', { class: 'site-footer' });
  const outboxLink = h('a', {
    href: '/outbox.html',
    text: tr('footer.outbox'),
    testid: 'footer-outbox',
    hidden: true,
  });
  footer.append(h('p', {}, h('a', { href: '/app/', text: tr('nav.app') })), h('p', {}, outboxLink));

  document.body.replaceChildren(
    h('a', { class: 'skip-link', href: '#main', text: tr('nav.skip') }),
    h(
      'header',
      { class: 'site-header' },
      h('a', { class: 'brand', href: session ? '/settings.html' : '/' }, 'Cipherpad'),
      h('nav', { 'aria-label': tr('nav.label') }, nav),
      langButton,
    ),
    h('div', { class: 'page' }, status, main),
    footer,
  );

  const page: Page = {
    main,
    session,
    say(render) {
      if (render) bind(status, render);
      else status.textContent = '';
    },
  };
  if (sessionError) page.say(() => errorMessage(toError(sessionError), currentLang()));
  if (session) {
    // PSD2 RTS Art. 4(3)(d): warned a minute before, the session ends after its idle time.
    watchIdle(session, {
      signOut: () => {
        void signOut().finally(() => location.assign('/'));
      },
      ended: () => requireSignIn('idle'),
    });
  }
  if (options.devOutboxLink) {
    // The outbox answers only in development; elsewhere the link stays hidden.
    api('GET', '/v1/dev/outbox?limit=1').then(
      () => show(outboxLink, true),
      () => undefined,
    );
  }
  return page;
}

/** Any failure as an `ApiError`-like value for `errorMessage`. */
export function toError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('ERR_BAD_RESPONSE', 0);
}
