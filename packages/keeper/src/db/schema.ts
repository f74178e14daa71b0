/** A person of the keeper: an email confirmed through Cipherpad, and a wallet. */
export interface UserTable {
  id: string;
  /** As typed at first login, lower-cased; the key Cipherpad knows the person by. */
  email: string;
  /** The 12-digit wallet id (WMID-like). */
  wallet_id: string;
  /** How transfers are confirmed: not at all, with Cipherpad, or by an SMS code. */
  confirmation: 'none' | 'cipherpad' | 'sms';
  /** The phone SMS codes go to, when `confirmation` is `sms`. */
  sms_phone: string | null;
  created_at: number;
}

/**
 * A ledger account: a user's purse (`id` = letter + 12 digits), or the
 * issuer of a currency (`id` = `issuer:Z`), the only account that may go
 * below zero. `balance` is in minor units and always equals the sum of the
 * account's entries.
 */
export interface AccountTable {
  id: string;
  /** The 12-digit purse number, unique across currencies; null for an issuer. */
  number: string | null;
  currency: string;
  user_id: string | null;
  kind: 'purse' | 'issuer';
  balance: number;
  created_at: number;
}

/** A movement of money: `held` (waiting for a confirmation), `completed` or `cancelled`. */
export interface TransferTable {
  id: string;
  /** Who asked for it; null for demo money issued by the keeper itself. */
  user_id: string | null;
  idempotency_key: string | null;
  /** SHA-256 of what was asked, to tell a retry from another request with the same key. */
  request_hash: string | null;
  kind: 'transfer' | 'issue';
  from_account: string;
  to_account: string;
  /** Minor units, > 0. */
  amount: number;
  currency: string;
  note: string;
  /** Whom the payer addressed: the purse as typed, or the recipient's email. */
  recipient_email: string | null;
  status: 'held' | 'completed' | 'cancelled';
  confirmation: 'none' | 'cipherpad' | 'sms';
  confirmation_id: string | null;
  challenge: string | null;
  uri: string | null;
  match_number: string | null;
  confirm_url: string | null;
  expires_at: number | null;
  cancel_reason: string | null;
  created_at: number;
  completed_at: number | null;
}

/** One side of a completed transfer; the entries of a transfer sum to zero. */
export interface EntryTable {
  id: string;
  transfer_id: string;
  account_id: string;
  /** Signed minor units: negative leaves the account, positive enters it. */
  amount: number;
  created_at: number;
}

/** A browser session: the cookie holds the token, the row its SHA-256. */
export interface SessionTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  expires_at: number;
  created_at: number;
  /** The person's last request as last recorded; null until the first refresh (`created_at` counts). */
  last_seen_at: number | null;
}

/** A login waiting for its Cipherpad confirmation, bound to the browser that began it. */
export interface LoginTable {
  id: string;
  email: string;
  confirmation_id: string;
  /** SHA-256 of the secret in the browser's login cookie. */
  secret_hash: string;
  status: 'pending' | 'done' | 'failed';
  expires_at: number;
  created_at: number;
}

/** A change of the confirmation setting, waiting for its own confirmation. */
export interface SettingsChangeTable {
  id: string;
  user_id: string;
  confirmation: 'none' | 'cipherpad' | 'sms';
  sms_phone: string | null;
  /** How this change itself is confirmed. */
  channel: 'cipherpad' | 'sms';
  confirmation_id: string;
  status: 'pending' | 'applied' | 'cancelled';
  expires_at: number;
  created_at: number;
}

/**
 * Wrong answers per client address (limits/wrong-answer-limit.ts): a debt
 * that decays continuously; an address may answer while it stays within the
 * allowance.
 */
export interface WrongAnswerTable {
  address: string;
  /** Allowances spent as of `at`, fractional as they are forgiven. */
  spent: number;
  at: number;
}

/** The keeper's tables. */
export interface KeeperDatabase {
  keeper_migrations: { name: string; applied_at: number };
  users: UserTable;
  accounts: AccountTable;
  transfers: TransferTable;
  entries: EntryTable;
  sessions: SessionTable;
  logins: LoginTable;
  settings_changes: SettingsChangeTable;
  wrong_answers: WrongAnswerTable;
}
