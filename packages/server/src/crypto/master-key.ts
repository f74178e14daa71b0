import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The master key that every secret at rest is encrypted under: from the
 * configuration when set, otherwise `<dataDir>/master.key`, made on first start
 * (embedded mode only; production requires it from the configuration).
 */
export function loadMasterKey(configured: string | null, dataDir: string): Uint8Array {
  if (configured !== null) return new Uint8Array(Buffer.from(configured, 'base64url'));
  const file = join(dataDir, 'master.key');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite a key another process made first.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64url key`);
  return new Uint8Array(key);
}

/** A new master key as base64url, for operators. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64url');
}
