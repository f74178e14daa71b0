import { api, setCsrfToken } from './api.js';
import { ApiError } from './api-error.js';

/** The signed-in person, as `GET /v1/session` tells it. */
export interface SessionInfo {
  readonly signedIn: true;
  readonly account: { readonly id: string; readonly email: string };
  readonly deviceId: string | null;
  readonly expiresAt: number;
  /** Milliseconds until the session ends unless the person makes a request first. */
  readonly idleRemainingMs: number;
  /** The session's idle time. */
  readonly idleTimeoutMs: number;
  readonly csrfToken?: string;
}

/** What `GET /v1/session` answers a browser without a live session (not a refusal). */
export interface SignedOut {
  readonly signedIn: false;
  /** `idle`: the session ended after its idle time without a request. */
  readonly ended?: 'idle';
}

/**
 * Reads the cookie session (if any) and keeps its CSRF token in memory.
 * Resolves to null when nobody is signed in: the service answers that with
 * 200 `{signedIn: false}`, so an anonymous page load logs no failed request.
 */
export async function loadSession(): Promise<SessionInfo | null> {
  try {
    const session = await api<SessionInfo | SignedOut>('GET', '/v1/session');
    if (!session.signedIn) {
      setCsrfToken(null);
      return null;
    }
    setCsrfToken(session.csrfToken ?? null);
    return session;
  } catch (error) {
    if (isSignedOut(error)) return null;
    throw error;
  }
}

/** Ends the session (the service clears the cookie) and forgets the CSRF token. */
export async function signOut(): Promise<void> {
  try {
    await api('POST', '/v1/session/logout');
  } catch (error) {
    // Already ended is as good as ended.
    if (!isSignedOut(error)) throw error;
  }
  setCsrfToken(null);
}

/** Whether the service refused a request because the session is missing or over. */
export function isSignedOut(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.code === 'ERR_UNAUTHENTICATED' || error.code === 'ERR_SESSION_IDLE')
  );
}

/**
 * Sends a signed-out person to the sign-in page, to come back here
 * afterwards; `idle` makes that page say the session ended for inactivity.
 */
export function requireSignIn(reason?: 'idle'): void {
  // A confirmation page is returned to by its id (nextPage accepts nothing more).
  const here = location.pathname + location.search;
  const next = encodeURIComponent(CONFIRM_PAGE.test(here) ? here : location.pathname);
  location.replace(`/?next=${next}${reason === 'idle' ? '&ended=idle' : ''}`);
}

const PAGES = new Set(['/settings.html', '/activity.html', '/outbox.html', '/register.html']);

const CONFIRM_PAGE = /^\/confirm\.html\?id=[A-Za-z0-9_-]{1,128}$/;

/**
 * Where to go after signing in: a page of this site named by `next` (a confirmation page
 * with its id only: its token stays in the tab's storage), else the settings. Never another
 * origin or any other query.
 */
export function nextPage(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && (PAGES.has(next) || CONFIRM_PAGE.test(next)) ? next : '/settings.html';
}
