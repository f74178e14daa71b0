import { ApiError, api, BACKGROUND } from './api.js';
import { focus, h, tr } from './dom.js';

/** What the keeper says of a session's idle end (`GET /api/session`, `POST /api/session/refresh`). */
export interface IdleState {
  /** Milliseconds until the session ends unless a request comes first. */
  readonly idleRemainingMs: number;
  /** The session's idle time (`KEEPER_SESSION_IDLE_SECONDS`, 5 minutes by default). */
  readonly idleTimeoutMs: number;
}

/** How long before the idle end the warning shows: a minute, or a third of a shorter idle time. */
export function warningLeadMs(idleTimeoutMs: number): number {
  return Math.min(60_000, Math.floor(idleTimeoutMs / 3));
}

/** A countdown as minutes and seconds, "0:59", rounded up. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Watches the session's idle end (PSD2 RTS Art. 4(3)(d)) and warns before
 * it in a modal dialog with a countdown, "Stay signed in" (a request that
 * counts as activity: `POST /api/session/refresh`) and "Sign out". The
 * page's own checks carry `X-Background-Request: 1`, so watching never keeps
 * the session alive; before warning, and again at the end, it asks the
 * keeper, which knows of the person's requests in every tab. When the
 * session ended, `ended()` runs (the page returns to sign-in, saying why).
 * The security site has its own copy of this logic: no page imports another
 * front-end's source.
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
        class: 'secondary',
        text: tr('idle.signOut'),
        testid: 'idle-sign-out',
        onclick: () => actions.signOut(),
      }),
    ),
  );
  // Escape would close the dialog without telling the keeper anything: it means "stay".
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
    // The keeper could not be reached: look again shortly, the warning stays as it is.
    timer = window.setTimeout(() => void check(), 5000);
  };
  async function check() {
    try {
      const state = await api<Partial<IdleState> & { signedIn: boolean }>('GET', '/api/session', {
        headers: { ...BACKGROUND },
      });
      if (!state.signedIn || state.idleRemainingMs === undefined) {
        hide();
        actions.ended();
        return;
      }
      schedule({ idleRemainingMs: state.idleRemainingMs, idleTimeoutMs: first.idleTimeoutMs });
    } catch (error) {
      failed(error);
    }
  }
  async function stayed() {
    stay.disabled = true;
    try {
      schedule(await api<IdleState>('POST', '/api/session/refresh'));
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
