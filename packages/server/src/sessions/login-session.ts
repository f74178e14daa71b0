/** A signed-in session: the bearer token is shown once and stored only hashed. */
export interface LoginSession {
  readonly token: string;
  readonly expiresAt: number;
  readonly accountId: string;
  readonly email: string;
  readonly deviceId: string;
}
