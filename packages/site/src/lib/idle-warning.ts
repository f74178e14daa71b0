import { api, BACKGROUND } from './api.js';
import { ApiError } from './api-error.js';
import { focus, h, tr } from './dom.js';
import { formatCountdown } from './format.js';

/** What the service says of a session's idle end (`GET /v1/session`, `POST /v1/session/refresh`). */
export interface IdleState {
  /** Milliseconds until the session ends unless a request comes first. */
  readonly idleRemainingMs: number;
  /** The session's idle time (5 minutes unless the operator set another). */
  readonly idleTimeoutMs: number;
}

/** How long before the idle end the warning shows: a minute, or a third of a shorter idle time. */
export function warningLeadMs(idleTimeoutMs: number): number {
  return Math.min(60_000, Math.floor(idleTimeoutMs / 3));
}

/**
 * Watches the session's idle end (PSD2 RTS Art. 4(3)(d)) and warns a minute
 * before it, in a modal dialog with a countdown, "Stay signed in" (a request
 * that counts as activity: `POST /v1/session/refresh`) and "Sign out". The
 * page's own checks carry `X-Background-Request: 1`, so watching never keeps
 * the session alive. Before warning, and again at the end, it asks the
 * service, which knows of the person's requests in this tab and in others.
 * When the session ended, `ended()` runs (the page returns to sign-in, saying why).
 */
export function watchIdle(
  first: IdleState,
  actions: { readonly signOut: () => void; readonly ended: () => void },
): void {
  let timer = 0;
  let ticker = 0;
  let deadline = 0;

  const remaining = h('span', { role: 'timer', testid: 'idle-countdown' });
  const titleId = 'idle-title';
  const stay = h('button', {
    type: 'button',
    class: 'primary',
    text: tr('idle.stay'),
    testid: 'idle-stay',
    onclick: () => void stayed(),
  });
  const dialog = h(
    'dialog',
    { class: 'idle-dialog', 'aria-labelledby': titleId, testid: 'idle-warning' },
    h('h2', { id: titleId, text: tr('idle.title') }),
    h('p', {}, h('span', { text: tr('idle.body') }), ' ', remaining),
    h(
      'div',
      { class: 'actions' },
      stay,
      h('button', {
        type: 'button',
        text: tr('idle.signOut'),
        testid: 'idle-sign-out',
        onclick: () => actions.signOut(),
      }),
    ),
  );
  // Escape would close the dialog without telling the service anything: it means "stay".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    void stayed();
  });
  document.body.append(dialog);

  const tick = () => {
    remaining.textContent = formatCountdown(Math.max(0, deadline - performance.now()));
  };
  const hide = () => {
    clearInterval(ticker);
    if (dialog.open) dialog.close();
  };
  const schedule = (state: IdleState) => {
    clearTimeout(timer);
    deadline = performance.now() + state.idleRemainingMs;
    const lead = warningLeadMs(state.idleTimeoutMs);
    // A second's tolerance: a check that fires a little early still warns.
    if (state.idleRemainingMs > lead + 1000) {
      hide();
      timer = window.setTimeout(() => void check(), state.idleRemainingMs - lead);
      return;
    }
    if (!dialog.open) {
      dialog.showModal();
      focus(stay);
    }
    tick();
    clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
    // Just after the end, ask again: ended, or kept alive from another tab.
    timer = window.setTimeout(() => void check(), state.idleRemainingMs + 500);
  };
  const failed = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) {
      hide();
      actions.ended();
      return;
    }
    // The service could not be reached: look again shortly, the warning stays as it is.
    timer = window.setTimeout(() => void check(), 5000);
  };
  async function check() {
    try {
      const state = await api<IdleState | { signedIn: false }>('GET', '/v1/session', {
        headers: BACKGROUND,
      });
      // The service answers a browser whose session ended with 200 {signedIn: false}.
      if ('signedIn' in state && state.signedIn === false) {
        hide();
        actions.ended();
        return;
      }
      schedule(state as IdleState);
    } catch (error) {
      failed(error);
    }
  }
  async function stayed() {
    stay.disabled = true;
    try {
      schedule(await api<IdleState>('POST', '/v1/session/refresh'));
    } catch (error) {
      failed(error);
    } finally {
      stay.disabled = false;
    }
  }

  // A hidden tab's timers are slowed down; look again as soon as it is shown.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void check();
  });
  schedule(first);
}
