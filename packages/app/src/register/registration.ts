import type { ApiClient } from '../api/api-client.js';
import { AppError } from '../app-error.js';
import { type KvStore, STORE_KEYS } from '../store/kv-store.js';

/** A registration waiting for its codes, kept so the app can be closed in between. */
export interface PendingRegistration {
  readonly id: string;
  readonly email: string;
  readonly phone: string;
  readonly emailVerified: boolean;
  readonly phoneVerified: boolean;
}

/** What the service says about a registration. */
interface RegistrationStatus {
  readonly id: string;
  readonly emailVerified: boolean;
  readonly phoneVerified: boolean;
  readonly completed: boolean;
}

/** Refusals after which the registration cannot go on: the person has to start again. */
const DEAD_ENDS = new Set([
  'ERR_REGISTRATION_NOT_FOUND',
  'ERR_REGISTRATION_CLOSED',
  'ERR_CODE_EXPIRED',
  'ERR_EMAIL_TAKEN',
  'ERR_PHONE_TAKEN',
]);

/**
 * Registration from the app (PRODUCT.md flow 2) over `/v1/registrations`: the email and the
 * phone, then the code sent to each. The registration in progress is stored, so the codes can
 * be typed after the app was closed; it is forgotten when it completes or reaches a dead end.
 */
export class Registration {
  readonly #api: Pick<ApiClient, 'get' | 'post'>;
  readonly #store: KvStore;

  constructor(api: Pick<ApiClient, 'get' | 'post'>, store: KvStore) {
    this.#api = api;
    this.#store = store;
  }

  /** The registration in progress, if any. */
  pending(): Promise<PendingRegistration | undefined> {
    return this.#store.get<PendingRegistration>(STORE_KEYS.registration);
  }

  /** Starts a registration: the service sends a code by email and another by SMS. */
  async start(email: string, phone: string): Promise<PendingRegistration> {
    const started = await this.#api.post<{ id: string; email: string; phone: string }>(
      '/v1/registrations',
      { email: email.trim(), phone: phone.trim() },
    );
    const pending: PendingRegistration = {
      id: started.id,
      email: started.email,
      phone: started.phone,
      emailVerified: false,
      phoneVerified: false,
    };
    await this.#store.put(STORE_KEYS.registration, pending);
    return pending;
  }

  /**
   * Verifies one channel with the code sent to it. Returns the registration, or `completed`
   * when both are verified (the service then sends the activation code by SMS).
   */
  async verify(
    channel: 'email' | 'phone',
    code: string,
  ): Promise<
    { completed: true; email: string } | { completed: false; pending: PendingRegistration }
  > {
    const pending = await this.pending();
    if (pending === undefined) {
      throw new AppError('ERR_REGISTRATION_NOT_FOUND', 'No registration in progress');
    }
    let status: RegistrationStatus;
    try {
      status = await this.#api.post<RegistrationStatus>(
        `/v1/registrations/${encodeURIComponent(pending.id)}/${channel}-verification`,
        { code: code.replace(/[\s-]/g, '') },
      );
    } catch (error) {
      if (error instanceof AppError && DEAD_ENDS.has(error.code)) await this.forget();
      throw error;
    }
    if (status.completed) {
      await this.forget();
      return { completed: true, email: pending.email };
    }
    const next: PendingRegistration = {
      ...pending,
      emailVerified: status.emailVerified,
      phoneVerified: status.phoneVerified,
    };
    await this.#store.put(STORE_KEYS.registration, next);
    return { completed: false, pending: next };
  }

  /** Gives up the registration in progress. */
  async forget(): Promise<void> {
    await this.#store.delete(STORE_KEYS.registration);
  }
}
