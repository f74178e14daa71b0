// Writes `NAME.br` and `NAME.gz` beside each compressible file a front-end's build wrote, once at
// build time, so the servers send the variant a browser accepts without compressing per request
// (RFC 9110 §8.4 Content-Encoding, §12.5.3 Accept-Encoding). Used by the builds of the security
// site, the phone app and the keeper's pages:
//   import { precompress } from '../../scripts/precompress.mjs';
//   await precompress([join(dist, 'assets'), join(dist, 'index.html')]);
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Text formats worth compressing; images, fonts and archives are compressed already. */
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.webmanifest',
  '.txt',
  '.svg',
  '.ico',
  '.wasm',
]);

/** Files below this size gain nothing a header does not cost back. */
const MIN_BYTES = 256;

/**
 * Compresses every compressible file under `paths` (files or folders, walked
 * recursively) with brotli (quality 11) and gzip (level 9). A variant is written
 * only when it is smaller than the file; a stale one is removed.
 *
 * @returns how many files got variants, and their bytes before and after (brotli).
 */
export async function precompress(paths) {
  const files = [];
  for (const path of paths) await collect(path, files);
  let count = 0;
  let before = 0;
  let after = 0;
  for (const file of files) {
    const body = await readFile(file);
    const variants = [
      [`${file}.br`, body.length >= MIN_BYTES ? brotli(body) : null],
      [`${file}.gz`, body.length >= MIN_BYTES ? gzipSync(body, { level: 9 }) : null],
    ];
    let wrote = false;
    for (const [name, compressed] of variants) {
      if (compressed && compressed.length < body.length) {
        await writeFile(name, compressed);
        wrote = true;
      } else {
        await rm(name, { force: true });
      }
    }
    if (wrote) {
      count++;
      before += body.length;
      after += (await stat(`${file}.br`).catch(() => ({ size: body.length }))).size;
    }
  }
  return { count, before, after };
}

function brotli(body) {
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

async function collect(path, files) {
  const info = await stat(path).catch(() => null);
  if (!info) return;
  if (info.isDirectory()) {
    for (const entry of await readdir(path)) await collect(join(path, entry), files);
  } else if (info.isFile() && COMPRESSIBLE.has(extname(path).toLowerCase())) {
    files.push(path);
  }
}
