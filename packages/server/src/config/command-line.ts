/** What the command line asks `cipherpad-server` to do. */
export type ServerCommand =
  | { readonly kind: 'serve' }
  | { readonly kind: 'help' }
  | { readonly kind: 'generate-master-key' }
  | { readonly kind: 'site'; readonly args: readonly string[] }
  | { readonly kind: 'unknown'; readonly arg: string };

/**
 * The usage `--help` prints: the commands, and every environment setting by
 * name (docs/operations.md says what each means and its default).
 */
export const SERVER_USAGE = `usage: cipherpad-server [-h | --help | --generate-master-key | site ...]

  (no argument)          run the service: the HTTP API, the security site and the phone app
  site add|list|remove   register, list or remove relying sites (docs/confirmation-api.md)
  --generate-master-key  print a new key for CIPHERPAD_MASTER_KEY, and exit
  -h, --help             print this help, and exit

Settings are environment variables, read once at start (docs/operations.md):
  CIPHERPAD_ENV                        development (default) or production
  HOST, PORT                           where to listen (127.0.0.1, 8080)
  CIPHERPAD_PUBLIC_URL                 how people and apps reach the service
  CIPHERPAD_DATA_DIR                   SQLite file and embedded master key (./data)
  DATABASE_URL, DATABASE_POOL_SIZE     postgres://... or sqlite:FILE (SQLite in the data folder)
  CIPHERPAD_MASTER_KEY                 32 bytes, base64url (generated into the data folder)
  EMAIL_TRANSPORT, SMTP_URL, EMAIL_FROM             outbox (default) or smtp
  SMS_TRANSPORT, SMS_HTTP_URL, SMS_HTTP_TOKEN       outbox (default) or http
  LOG_LEVEL                            fatal ... trace, or silent (info)
  CIPHERPAD_TRUST_PROXY                take the client address from X-Forwarded-For (false)
  CIPHERPAD_SITE_DIR, CIPHERPAD_APP_DIR             the built security site and phone app
  SMS_CONFIRMATIONS_PER_PHONE_PER_DAY  SMS confirmations one phone may get a day (5)
  SITE_REQUESTS_PER_MINUTE             requests one relying site may make a minute (60000)
  WEBHOOK_ALLOW_INTERNAL               let webhooks reach inside addresses (false)
  CIPHERPAD_SESSION_IDLE_SECONDS       a session ends after this long without a request (300)
`;

/**
 * Reads the service's arguments (`process.argv.slice(2)`) without touching
 * the disk or the environment, so that `--help` and a mistyped argument
 * never start a server or make a data folder.
 *
 * @example
 * ```ts
 * readServerCommand(['--help']); // { kind: 'help' }
 * readServerCommand(['--port', '80']); // { kind: 'unknown', arg: '--port' }
 * ```
 */
export function readServerCommand(args: readonly string[]): ServerCommand {
  const [first, ...rest] = args;
  if (first === undefined) return { kind: 'serve' };
  if (first === 'site') return { kind: 'site', args: rest };
  // Help wins wherever it is, as it does for most commands.
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  if (first === '--generate-master-key' && rest.length === 0) {
    return { kind: 'generate-master-key' };
  }
  return { kind: 'unknown', arg: first === '--generate-master-key' ? (rest[0] ?? first) : first };
}
