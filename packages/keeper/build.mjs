// Builds the keeper's pages into dist/web: one HTML page per screen, with
// content-hashed JS (ES modules, shared chunks split out) and CSS, and the
// favicon at /favicon.ico (where browsers look for one, linked from every page too).
// Usage: node build.mjs
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { precompress } from '../../scripts/precompress.mjs';
import { faviconIco } from './favicon.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist', 'web');

const PAGES = [
  { file: 'index.html', entry: 'index', title: 'Sign in' },
  { file: 'wallet.html', entry: 'wallet', title: 'Wallet' },
  { file: 'settings.html', entry: 'settings', title: 'Settings' },
  { file: '404.html', entry: 'not-found', title: 'Page not found' },
];

// dist/web holds the pages alone (the server's compiled code lives beside it), so
// nothing but what this script writes is ever served.
await rm(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: [
    ...PAGES.map((page) => ({ in: `web/pages/${page.entry}.ts`, out: page.entry })),
    { in: 'web/keeper.css', out: 'keeper' },
  ],
  outdir: join(dist, 'assets'),
  publicPath: '/assets',
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2022', 'chrome109', 'safari15.4', 'firefox115'],
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const outputOf = (entry) => {
  const found = outputs.find(([, meta]) => meta.entryPoint === entry);
  if (!found) throw new Error(`no output for ${entry}`);
  return { url: `/assets/${basename(found[0])}`, meta: found[1] };
};
const css = outputOf('web/keeper.css').url;
await writeFile(join(dist, 'favicon.ico'), faviconIco());

for (const page of PAGES) {
  const { url, meta } = outputOf(`web/pages/${page.entry}.ts`);
  const preloads = meta.imports
    .filter((item) => item.kind === 'import-statement')
    .map((item) => `<link rel="modulepreload" href="/assets/${basename(item.path)}">`)
    .join('\n    ');
  await writeFile(
    join(dist, page.file),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>${page.title} · Keeper</title>
    <link rel="icon" href="/favicon.ico" sizes="32x32">
    <link rel="stylesheet" href="${css}">
    ${preloads}
    <script type="module" src="${url}"></script>
  </head>
  <body>
    <main id="main">
      <p>Keeper…</p>
      <noscript><p>Keeper needs JavaScript. / Для работы Keeper нужен JavaScript.</p></noscript>
    </main>
  </body>
</html>
`,
  );
}
// Brotli and gzip variants beside each file written above, made once here rather than per request.
const compressed = await precompress([dist]);
console.log(`keeper: ${PAGES.length} pages; ${compressed.count} files precompressed`);
