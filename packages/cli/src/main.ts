#!/usr/bin/env node
import { run } from './run.js';

// A reader that goes away (`cipherpad outbox | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stdin.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
});
