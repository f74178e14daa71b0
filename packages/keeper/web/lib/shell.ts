import { api, setCsrfToken } from './api.js';
import { bind, h, relocalize, tr } from './dom.js';
import { currentLang, initLang, type MessageKey, setLang } from './i18n.js';
import { watchIdle } from './idle-warning.js';

/** What `GET /api/session` answers. */
export interface SessionInfo {
  readonly configured: boolean;
  readonly env: string;
  readonly signedIn: boolean;
  readonly csrfToken?: string;
  readonly user?: { readonly email: string; readonly walletId: string };
  /** Milliseconds until the session ends unless the person makes a request first. */
  readonly idleRemainingMs?: number;
  readonly idleTimeoutMs?: number;
  /** `idle` when the cookie's session ended for inactivity. */
  readonly ended?: 'idle';
}

/** The login page, saying why when the session ended for inactivity. */
function signInAgain(): void {
  location.assign('/?ended=idle');
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
    if (session.ended === 'idle') signInAgain();
    else location.assign('/');
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
  if (
    session.signedIn &&
    session.idleRemainingMs !== undefined &&
    session.idleTimeoutMs !== undefined
  ) {
    // PSD2 RTS Art. 4(3)(d): warned before, the session ends after its idle time.
    watchIdle(
      { idleRemainingMs: session.idleRemainingMs, idleTimeoutMs: session.idleTimeoutMs },
      {
        signOut: () => {
          void api('POST', '/api/logout')
            .catch(() => undefined)
            .finally(() => location.assign('/'));
        },
        ended: signInAgain,
      },
    );
  }
  return {
    main,
    session,
    say(render) {
      if (render) bind(status, render);
      else status.textContent = '';
    },
  };
}
