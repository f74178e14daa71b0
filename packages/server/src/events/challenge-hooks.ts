import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** A challenge approved online, as the hook of its purpose gets it. */
export interface ApprovedChallenge {
  readonly id: string;
  readonly accountId: string;
  readonly deviceId: string;
  readonly mode: string;
  /** Where the challenge was asked for. */
  readonly requestIp: string | null;
  /** Where the approval came from. */
  readonly ip: string;
  readonly now: number;
}

/**
 * What a feature does inside the transaction that settles one of its
 * challenges, so its own rows change exactly when the challenge does. The
 * challenges module calls them; the feature registers them where the
 * services are composed (`start-service.ts`), so the module never imports a
 * feature. Every hook runs in the settling transaction and may throw a
 * `ServiceError` to undo it.
 */
export interface PurposeHooks {
  /** The challenge took its last wrong answer and is now `failed`. */
  readonly failed?: (trx: Kysely<Database>, id: string, now: number) => Promise<void>;
  /** The person denied it in the app. */
  readonly denied?: (trx: Kysely<Database>, id: string, now: number) => Promise<void>;
  /**
   * The person approved it in the app. Without this hook an approved
   * challenge waits, `approved`, for the site to redeem it; with it the
   * approval settles the challenge (`used`) and the hook does the rest.
   */
  readonly approved?: (trx: Kysely<Database>, approval: ApprovedChallenge) => Promise<void>;
  /** After the settling transaction committed: wake whatever delivers its effects. */
  readonly settled?: () => void;
}

/** The hooks of every purpose that has its own effects, filled in once at start. */
export class ChallengeHooks {
  readonly #byPurpose = new Map<string, PurposeHooks>();

  /** Registers the hooks of `purpose`; a purpose is registered once. */
  register(purpose: string, hooks: PurposeHooks): void {
    if (this.#byPurpose.has(purpose)) throw new Error(`hooks for ${purpose} are registered twice`);
    this.#byPurpose.set(purpose, hooks);
  }

  /** The hooks of `purpose` (none for a purpose without its own effects). */
  of(purpose: string): PurposeHooks {
    return this.#byPurpose.get(purpose) ?? {};
  }
}
