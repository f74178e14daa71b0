#!/usr/bin/env node
import { KEEPER_USAGE, readKeeperCommand } from './config/command-line.js';
import { KeeperConfigError, loadKeeperConfig } from './config/config.js';
import { startKeeper } from './start-keeper.js';

/** Runs the keeper until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  // Read before the configuration: help and a wrong argument touch nothing.
  const command = readKeeperCommand(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(KEEPER_USAGE);
    return;
  }
  if (command.kind === 'unknown') {
    process.stderr.write(
      `cipherpad-keeper: unknown argument "${command.arg}" (--help lists what it takes)\n`,
    );
    process.exit(2);
  }
  let config: ReturnType<typeof loadKeeperConfig>;
  try {
    config = loadKeeperConfig(process.env);
  } catch (error) {
    if (error instanceof KeeperConfigError) {
      process.stderr.write(`cipherpad-keeper: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const keeper = await startKeeper(config);
  try {
    await keeper.app.listen({ host: config.host, port: config.port });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(
        `cipherpad-keeper: cannot start: port ${config.port} is in use (set KEEPER_PORT)\n`,
      );
      process.exit(1);
    }
    throw error;
  }
  const { log } = keeper.app;
  if (!config.credentials) {
    log.warn(
      { file: config.credentialsFile },
      'no Cipherpad credentials: login is unavailable until the site is registered (docs/keeper.md)',
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await keeper.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  log.info(
    {
      publicUrl: config.publicUrl,
      cipherpad: config.cipherpadUrl,
      database: config.database.dialect,
      env: config.env,
    },
    'Keeper is running',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `cipherpad-keeper: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
