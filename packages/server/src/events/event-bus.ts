/** Something that happened, sent to whoever listens on a topic. JSON-serializable. */
export type BusEvent =
  | { readonly type: 'request'; readonly request: PendingRequest }
  | { readonly type: 'closed'; readonly id: string }
  | { readonly type: 'changed'; readonly id: string }
  | { readonly type: 'revoked'; readonly deviceId: string }
  | { readonly type: 'device-activated'; readonly device: ActivatedDevice }
  | { readonly type: 'device-renamed'; readonly device: RenamedDevice };

/** A device just activated on the account, as the account's other devices are told of it. */
export interface ActivatedDevice {
  readonly id: string;
  readonly name: string;
  /** Where it was activated from. */
  readonly ip: string;
  readonly at: number;
}

/** A device of the account that the person renamed (on the security site), with its new name. */
export interface RenamedDevice {
  readonly id: string;
  readonly name: string;
}

/** A request waiting for the person's approval in the app (docs/web-api.md). */
export interface PendingRequest {
  readonly id: string;
  readonly kind: 'login' | 'payment';
  readonly challenge: string;
  readonly site: string | null;
  readonly ip: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly payment?: {
    readonly amount: string;
    readonly purse: string;
    readonly currency?: string;
  };
  /** What a relying site asks to confirm (docs/confirmation-api.md); absent for a plain login. */
  readonly operation?: {
    readonly type: 'login' | 'operation' | 'payment';
    readonly name?: string;
    readonly description?: string;
    /**
     * A change of the confirmation settings: the method and the operations it asks for
     * (`accounts/`'s `ConfirmationMethod` and `Operation`).
     */
    readonly settings?: {
      readonly method: string;
      readonly operations: readonly string[];
    };
  };
  /** A payment's note, from the site. */
  readonly note?: string;
  /** The person has not yet allowed this site: approving also records the consent. */
  readonly firstTime?: boolean;
}

/**
 * Live notifications between the requests of the service: publish on a
 * topic, and every current subscriber of that topic gets the event. Delivery
 * is best effort (a subscriber that is not there misses it), so every reader
 * also reads the database: the app lists pending requests when it connects,
 * and a long poll checks the login again every second. Several instances
 * share events by implementing this over Redis pub/sub.
 */
export interface EventBus {
  publish(topic: string, event: BusEvent): void;
  /** @returns a function that ends the subscription. */
  subscribe(topic: string, listener: (event: BusEvent) => void): () => void;
}

/** The event bus of one process. */
export class LocalEventBus implements EventBus {
  readonly #listeners = new Map<string, Set<(event: BusEvent) => void>>();

  publish(topic: string, event: BusEvent): void {
    const listeners = this.#listeners.get(topic);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener must not keep the event from the others.
      }
    }
  }

  subscribe(topic: string, listener: (event: BusEvent) => void): () => void {
    let listeners = this.#listeners.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(topic, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.#listeners.get(topic);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(topic);
    };
  }
}

/**
 * The topic of an account's devices: requests appear and close there, and a
 * deactivated device hears that it was revoked. Keyed by the account's email.
 */
export function accountTopic(email: string): string {
  return `account:${email}`;
}

/** The topic of one challenge: its status changed (approved, denied, used, failed). */
export function challengeTopic(id: string): string {
  return `challenge:${id}`;
}
