import type { FastifyInstance } from 'fastify';
import type { KeeperServices } from '../services.js';
import { findSession, type LiveSession, requireSession } from './sessions.js';

/**
 * The session as the pages see it: `GET /api/session` (who is signed in, and
 * when the session ends without a request; with `X-Background-Request: 1` it
 * does not count as activity) and `POST /api/session/refresh`, the "Stay
 * signed in" of the pages' inactivity warning.
 */
export async function sessionRoutes(app: FastifyInstance, services: KeeperServices): Promise<void> {
  const idleState = (session: LiveSession) => ({
    idleTimeoutMs: services.config.sessionIdleMs,
    // Relative: the page schedules its warning on its own clock.
    idleRemainingMs: Math.max(0, session.idleExpiresAt - services.clock.now()),
  });

  app.get('/api/session', async (request) => {
    const session = await findSession(services, request);
    return {
      configured: services.config.credentials !== null,
      env: services.config.env,
      cipherpadUrl: services.config.cipherpadUrl,
      ...(session !== null && session !== 'idle'
        ? {
            signedIn: true,
            csrfToken: session.csrfToken,
            user: { email: session.user.email, walletId: session.user.wallet_id },
            ...idleState(session),
          }
        : { signedIn: false, ...(session === 'idle' ? { ended: 'idle' } : {}) }),
    };
  });

  // The request itself is the activity; like every change, it needs the CSRF token.
  app.post('/api/session/refresh', async (request) => ({
    signedIn: true,
    ...idleState(await requireSession(services, request)),
  }));
}
