import { api, setCsrfToken } from './api.js';
import { bind, h, relocalize, tr } from './dom.js';
import { currentLang, initLang, type MessageKey, setLang } from './i18n.js';

/** What `GET /api/session` answers. */
export interface SessionInfo {
  readonly configured: boolean;
  readonly env: string;
  readonly signedIn: boolean;
  readonly csrfToken?: string;
  readonly user?: { readonly email: string; readonly walletId: string };
}

/** The frame of a page. */
export interface Page {
  readonly main: HTMLElement;
  readonly session: SessionInfo;
  say(text: (() => string) | null): void;
}

/**
 * Builds the page frame (skip link, header with navigation and the language
 * switch, `main`, status line) after reading the session; a page that needs
 * a session sends a signed-out visitor to the login page.
 */
export async function startPage(options: {
  title: MessageKey;
  needsSession: boolean;
}): Promise<Page | null> {
  initLang();
  const session = await api<SessionInfo>('GET', '/api/session').catch(
    (): SessionInfo => ({ configured: true, env: 'production', signedIn: false }),
  );
  if (options.needsSession && !session.signedIn) {
    location.assign('/');
    return null;
  }
  setCsrfToken(session.csrfToken ?? null);
  const title = document.querySelector('title') ?? document.head.appendChild(h('title'));
  title.setAttribute('data-testid', 'page-title');
  const setTitle = () => {
    title.textContent = `${tr(options.title)()} · Keeper`;
  };
  setTitle();

  const nav = h('ul', { class: 'nav-list' });
  if (session.signedIn) {
    for (const [href, key, testid] of [
      ['/wallet.html', 'nav.wallet', 'nav-wallet'],
      ['/settings.html', 'nav.settings', 'nav-settings'],
    ] as const) {
      nav.append(
        h(
          'li',
          {},
          h('a', {
            href,
            text: tr(key),
            testid,
            'aria-current': location.pathname === href ? 'page' : null,
          }),
        ),
      );
    }
    const out = h('button', {
      type: 'button',
      class: 'link-button',
      text: tr('nav.signOut'),
      testid: 'sign-out',
      onclick: async () => {
        out.disabled = true;
        await api('POST', '/api/logout').catch(() => undefined);
        location.assign('/');
      },
    });
    nav.append(h('li', {}, out));
  }
  const status = h('p', {
    class: 'status',
    role: 'status',
    'aria-live': 'polite',
    testid: 'status',
  });
  const main = h('main', { id: 'main', tabindex: '-1' });
  document.body.replaceChildren(
    h('a', { class: 'skip-link', href: '#main', text: tr('nav.skip') }),
    h(
      'header',
      { class: 'site-header' },
      h(
        'a',
        { class: 'brand', href: session.signedIn ? '/wallet.html' : '/', testid: 'brand' },
        'Keeper',
      ),
      h('nav', { 'aria-label': tr('nav.label') }, nav),
      h('button', {
        type: 'button',
        class: 'lang-switch',
        text: tr('lang.other'),
        lang: tr('lang.otherCode'),
        testid: 'lang-switch',
        onclick: () => {
          setLang(currentLang() === 'en' ? 'ru' : 'en');
          relocalize();
          setTitle();
        },
      }),
    ),
    h('div', { class: 'page' }, status, main),
  );
  return {
    main,
    session,
    say(render) {
      if (render) bind(status, render);
      else status.textContent = '';
    },
  };
}
