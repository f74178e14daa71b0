/** What the command line asks `cipherpad-keeper` to do. */
export type KeeperCommand =
  | { readonly kind: 'serve' }
  | { readonly kind: 'help' }
  | { readonly kind: 'unknown'; readonly arg: string };

/**
 * The usage `--help` prints, with every environment setting by name
 * (docs/keeper.md says what each means and its default).
 */
export const KEEPER_USAGE = `usage: cipherpad-keeper [-h | --help]

  (no argument)  run the keeper: the demo wallet's API and pages
  -h, --help     print this help, and exit

Settings are environment variables, read once at start (docs/keeper.md, "Running it"):
  KEEPER_ENV                         development (default) or production
  KEEPER_HOST, KEEPER_PORT           where to listen (127.0.0.1, 8081)
  KEEPER_PUBLIC_URL                  how people reach the keeper (https: makes cookies Secure)
  KEEPER_DATA_DIR                    holds keeper.db and keeper-site.json (./data)
  KEEPER_DATABASE_URL, KEEPER_DATABASE_POOL_SIZE   sqlite:FILE or postgres://...
  CIPHERPAD_URL                      the Cipherpad service (http://127.0.0.1:8080)
  KEEPER_SITE_FILE                   the credentials written by the service's "site add --out"
  KEEPER_CLIENT_ID, KEEPER_CLIENT_SECRET, KEEPER_WEBHOOK_SECRET   the same, from the environment
  KEEPER_DEMO_BALANCE                demo money per new purse in development, in minor units
  KEEPER_SESSION_IDLE_SECONDS        a session ends after this long without a request (300)
  KEEPER_LOG_LEVEL, KEEPER_TRUST_PROXY                as the service's LOG_LEVEL and CIPHERPAD_TRUST_PROXY
  KEEPER_WRONG_ANSWERS_PER_ADDRESS, KEEPER_WRONG_ANSWERS_WINDOW_SECONDS   wrong answers per address (20 in 600 s)
  KEEPER_WEB_DIR                     the built pages (packages/keeper/dist/web)
`;

/**
 * Reads the keeper's arguments (`process.argv.slice(2)`) without touching
 * the disk or the environment: `--help` and a mistyped argument never start
 * a server or make a data folder.
 */
export function readKeeperCommand(args: readonly string[]): KeeperCommand {
  const [first] = args;
  if (first === undefined) return { kind: 'serve' };
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  return { kind: 'unknown', arg: first };
}
