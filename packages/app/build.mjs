// Builds the phone app into dist/: the JavaScript and CSS bundled by esbuild under content-hashed
// names (the QR scanner with jsQR in its own lazily loaded chunk), index.html referring to them,
// the web app manifest with its icons, and the service worker that precaches all of it.
// Usage: node build.mjs   (npm run build -w @cipherpad/app)
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { precompress } from '../../scripts/precompress.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
// Budget for all the app's JavaScript, gzipped (jsQR included).
const MAX_GZIP_BYTES = 150 * 1024;
const THEME = '#0f5c8c';
const BACKGROUND = '#f6f7f9';

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'icons'), { recursive: true });

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { app: 'src/main.ts', style: 'src/styles/app.css' },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: ['es2022', 'chrome100', 'safari15.4', 'firefox100'],
  entryNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  // The core is bundled from its sources, so the app builds without a prior `tsc -b`.
  alias: { '@cipherpad/core': join(root, '../core/src/index.ts') },
  legalComments: 'none',
  // The Russian texts as UTF-8 rather than \u escapes: a module script is always read as UTF-8.
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs).map(([path, meta]) => ({
  file: relative(dist, join(root, path)).split('\\').join('/'),
  meta,
}));
const entryJs = outputs.find((o) => o.meta.entryPoint === 'src/main.ts')?.file;
const entryCss = outputs.find((o) => o.file.endsWith('.css'))?.file;
if (entryJs === undefined || entryCss === undefined)
  throw new Error('build: entry outputs missing');
const scripts = outputs.filter((o) => o.file.endsWith('.js')).map((o) => o.file);

// Icons: a keypad of nine keys on the theme colour, as SVG and as PNG (192, 512, maskable 512).
await writeFile(join(dist, 'icons/icon.svg'), iconSvg());
await writeFile(join(dist, 'icons/icon-192.png'), iconPng(192, false));
await writeFile(join(dist, 'icons/icon-512.png'), iconPng(512, false));
await writeFile(join(dist, 'icons/icon-maskable-512.png'), iconPng(512, true));

const manifest = {
  id: '/app/',
  name: 'Cipherpad',
  short_name: 'Cipherpad',
  description: 'Answers Cipherpad challenges and approves logins and payments, offline too.',
  start_url: '/app/',
  scope: '/app/',
  display: 'standalone',
  orientation: 'portrait',
  background_color: BACKGROUND,
  theme_color: THEME,
  icons: [
    { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    {
      src: 'icons/icon-maskable-512.png',
      sizes: '512x512',
      type: 'image/png',
      purpose: 'maskable',
    },
  ],
};
await writeFile(join(dist, 'manifest.webmanifest'), `${JSON.stringify(manifest, null, 2)}\n`);

// No inline script or style: the page's Content-Security-Policy allows only 'self'.
const preloads = outputs
  .filter((o) => o.file !== entryJs && o.file.endsWith('.js') && o.meta.entryPoint === undefined)
  .filter((o) =>
    result.metafile.outputs[`dist/${entryJs}`]?.imports.some(
      (i) => i.path === `dist/${o.file}` && i.kind === 'import-statement',
    ),
  )
  .map((o) => `    <link rel="modulepreload" href="${o.file}">\n`)
  .join('');
const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
    <meta name="theme-color" content="${THEME}">
    <meta name="description" content="Cipherpad authenticator">
    <title>Cipherpad</title>
    <link rel="manifest" href="manifest.webmanifest">
    <link rel="icon" href="icons/icon.svg" type="image/svg+xml">
    <link rel="apple-touch-icon" href="icons/icon-192.png">
    <link rel="stylesheet" href="${entryCss}">
${preloads}    <script type="module" src="${entryJs}"></script>
  </head>
  <body>
    <div id="app" aria-busy="true"></div>
    <noscript>Cipherpad needs JavaScript. / Для Cipherpad нужен JavaScript.</noscript>
  </body>
</html>
`;
await writeFile(join(dist, 'index.html'), html);

// The service worker precaches everything above; its cache is named after their contents.
const precache = [
  './',
  ...outputs.map((o) => o.file),
  'manifest.webmanifest',
  'icons/icon.svg',
  'icons/icon-192.png',
  'icons/icon-512.png',
  'icons/icon-maskable-512.png',
];
const version = createHash('sha256');
for (const path of precache) {
  version.update(path);
  version.update(await readFile(join(dist, path === './' ? 'index.html' : path)));
}
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/sw/sw.ts'],
  outfile: join(dist, 'sw.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  target: ['es2022'],
  define: {
    __CACHE_VERSION__: JSON.stringify(version.digest('hex').slice(0, 16)),
    __PRECACHE__: JSON.stringify(precache),
  },
  logLevel: 'warning',
});

// Sizes, and the budget.
let raw = 0;
let gzip = 0;
const rows = [];
for (const file of [...scripts, 'sw.js', entryCss]) {
  const bytes = await readFile(join(dist, file));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  rows.push(
    `  ${file.padEnd(40)} ${String(bytes.length).padStart(8)} B  ${String(zipped).padStart(7)} B gzip`,
  );
  if (file.endsWith('.js')) {
    raw += bytes.length;
    gzip += zipped;
  }
}
console.log(
  `dist/\n${rows.join('\n')}\n  all JavaScript: ${raw} B, ${gzip} B gzip (budget ${MAX_GZIP_BYTES} B)`,
);
if (gzip > MAX_GZIP_BYTES) {
  console.error(`build: the JavaScript is ${gzip} B gzipped, over the ${MAX_GZIP_BYTES} B budget`);
  process.exit(1);
}

// Brotli and gzip variants beside each text file, made once here rather than per request.
const compressed = await precompress([dist]);
console.log(`  ${compressed.count} files precompressed`);

/** The keys of the icon: 3×3 rounded squares in `[0, 1]` coordinates, inside the maskable safe zone. */
function keys() {
  const size = 0.15;
  const gap = 0.06;
  const start = 0.5 - (3 * size + 2 * gap) / 2;
  const list = [];
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) {
      list.push({
        x: start + col * (size + gap),
        y: start + row * (size + gap),
        size,
        radius: 0.035,
      });
    }
  }
  return list;
}

function iconSvg() {
  const rects = keys()
    .map(
      (k) =>
        `<rect x="${k.x * 512}" y="${k.y * 512}" width="${k.size * 512}" height="${k.size * 512}" rx="${k.radius * 512}" fill="#fff"/>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="${THEME}"/>${rects}</svg>\n`;
}

/** Whether point (x, y) is inside a rounded rectangle. */
function inRoundedRect(x, y, left, top, width, height, radius) {
  if (x < left || y < top || x > left + width || y > top + height) return false;
  const cx = Math.min(Math.max(x, left + radius), left + width - radius);
  const cy = Math.min(Math.max(y, top + radius), top + height - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** Rasterizes the icon (4×4 supersampling) and encodes it as an RGBA PNG. */
function iconPng(size, maskable) {
  const theme = [0x0f, 0x5c, 0x8c];
  const list = keys();
  const samples = 4;
  const pixels = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    const rowStart = py * (size * 4 + 1);
    pixels[rowStart] = 0; // PNG filter: none
    for (let px = 0; px < size; px++) {
      let background = 0;
      let key = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (maskable || inRoundedRect(x, y, 0, 0, 1, 1, 96 / 512)) background++;
          if (list.some((k) => inRoundedRect(x, y, k.x, k.y, k.size, k.size, k.radius))) key++;
        }
      }
      const total = samples * samples;
      const white = key / total;
      const offset = rowStart + 1 + px * 4;
      for (let c = 0; c < 3; c++)
        pixels[offset + c] = Math.round(theme[c] * (1 - white) + 255 * white);
      pixels[offset + 3] = Math.round((255 * Math.max(background, key)) / total);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
