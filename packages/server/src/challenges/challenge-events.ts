import { accountTopic, challengeTopic, type PendingRequest } from '../events/event-bus.js';
import type { Services } from '../services.js';

/** Tells the account's open apps that a request waits for them. */
export function announceRequest(services: Services, email: string, request: PendingRequest): void {
  services.events.publish(accountTopic(email), { type: 'request', request });
}

/**
 * Tells the account's open apps that a request is no longer pending, and the
 * site waiting on it that its status changed. `email` is null for a decoy.
 */
export function announceClosed(services: Services, email: string | null, id: string): void {
  if (email !== null) services.events.publish(accountTopic(email), { type: 'closed', id });
  services.events.publish(challengeTopic(id), { type: 'changed', id });
}

/**
 * Tells the site waiting on a pending challenge that it changed while
 * pending: re-issued with a new challenge and number, or its expiry moved
 * (inline registration, flow 3), so its long poll answers with the new one.
 */
export function announceReissued(services: Services, id: string): void {
  services.events.publish(challengeTopic(id), { type: 'changed', id });
}
