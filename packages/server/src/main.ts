#!/usr/bin/env node
import { readServerCommand, SERVER_USAGE } from './config/command-line.js';
import { ConfigError, loadConfig } from './config/config.js';
import { generateMasterKey } from './crypto/master-key.js';
import { boundHeapGrowth } from './heap-growth.js';
import { SiteCommandError, siteCommand } from './sites/site-command.js';
import { startService } from './start-service.js';
import { describeStartupError } from './startup-error.js';

/** Runs the service until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  // Read before the configuration: help and a wrong argument touch nothing.
  const command = readServerCommand(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(SERVER_USAGE);
    return;
  }
  if (command.kind === 'unknown') {
    process.stderr.write(
      `cipherpad-server: unknown argument "${command.arg}" (--help lists what it takes)\n`,
    );
    process.exit(2);
  }
  if (command.kind === 'generate-master-key') {
    process.stdout.write(`${generateMasterKey()}\n`);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cipherpad-server: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (command.kind === 'site') {
    try {
      const result = await siteCommand(command.args, config);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } catch (error) {
      if (!(error instanceof SiteCommandError)) throw error;
      process.stderr.write(`cipherpad-server site: ${error.message}\n`);
      process.exit(2);
    }
    return;
  }
  boundHeapGrowth();
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(config);
    await service.app.listen({ host: config.host, port: config.port });
  } catch (error) {
    const reason = describeStartupError(error, config);
    if (reason === null) throw error;
    process.stderr.write(`cipherpad-server: cannot start: ${reason}\n`);
    process.exit(1);
  }
  const { app } = service;
  if (
    config.env === 'production' &&
    (config.email.kind === 'outbox' || config.sms.kind === 'outbox')
  ) {
    app.log.warn(
      'production with outbox delivery: email or SMS stays in the database and is not sent',
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  app.log.info(
    {
      publicUrl: config.publicUrl,
      database: config.database.dialect,
      dataDir: config.dataDir,
      email: config.email.kind,
      sms: config.sms.kind,
      env: config.env,
    },
    'Cipherpad is running',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `cipherpad-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
