// Builds the security site into dist/: one HTML page per screen, with
// content-hashed JS (ES modules, shared chunks split out) and CSS in dist/assets.
// Usage: node build.mjs
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { precompress } from '../../scripts/precompress.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

/** The screens: the file served, its script, and the title shown before the script runs. */
const PAGES = [
  { file: 'index.html', entry: 'index', title: 'Sign in' },
  { file: 'register.html', entry: 'register', title: 'Register' },
  { file: 'verify-email.html', entry: 'verify-email', title: 'Email confirmation' },
  { file: 'settings.html', entry: 'settings', title: 'Settings' },
  { file: 'activity.html', entry: 'activity', title: 'Activity' },
  { file: 'confirm.html', entry: 'confirm', title: 'Confirmation request' },
  { file: 'outbox.html', entry: 'outbox', title: 'Development outbox' },
  { file: '404.html', entry: 'not-found', title: 'Page not found' },
];

await rm(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: [
    ...PAGES.map((page) => ({ in: `src/pages/${page.entry}.ts`, out: page.entry })),
    { in: 'src/site.css', out: 'site' },
  ],
  outdir: join(dist, 'assets'),
  publicPath: '/assets',
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2022', 'chrome109', 'safari15.4', 'firefox115'],
  minify: true,
  sourcemap: false,
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
const css = outputOf('src/site.css').url;

const iconSource = await readFile(join(root, 'src/icon.svg'));
const iconName = `icon-${createHash('sha256').update(iconSource).digest('hex').slice(0, 8).toUpperCase()}.svg`;
await writeFile(join(dist, 'assets', iconName), iconSource);

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

for (const page of PAGES) {
  const { url, meta } = outputOf(`src/pages/${page.entry}.ts`);
  // Preload the shared chunks the page imports, so they load in parallel with it.
  const preloads = meta.imports
    .filter((item) => item.kind === 'import-statement')
    .map((item) => `<link rel="modulepreload" href="/assets/${basename(item.path)}">`)
    .join('\n    ');
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>${escapeHtml(page.title)} · Cipherpad</title>
    <link rel="icon" href="/assets/${iconName}" type="image/svg+xml">
    <link rel="stylesheet" href="${css}">
    ${preloads}
    <script type="module" src="${url}"></script>
  </head>
  <body>
    <main id="main">
      <p class="loading">Cipherpad…</p>
      <noscript><p>Cipherpad needs JavaScript. / Для работы Cipherpad нужен JavaScript.</p></noscript>
    </main>
  </body>
</html>
`;
  await writeFile(join(dist, page.file), html);
}

// Brotli and gzip variants beside each text file, made once here rather than per request.
const compressed = await precompress([dist]);

const sizes = outputs.map(([file, meta]) => `${basename(file)} ${meta.bytes} B`).join(', ');
console.log(`site: ${PAGES.length} pages; ${sizes}; ${compressed.count} files precompressed`);
