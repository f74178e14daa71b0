import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One JavaScript file of the built app. */
export interface AppFile {
  /** Its path under dist/, with forward slashes. */
  readonly file: string;
  readonly bytes: number;
  /** Gzipped alone at zlib level 9, as a server would send it. */
  readonly gzipBytes: number;
  /**
   * `first-screen`: loaded by index.html (its module script, the modulepreloads
   * and what they import statically); `service-worker`: sw.js, registered once the
   * app runs; `lazy`: loaded on demand by a dynamic `import()` (the QR scanner).
   */
  readonly part: 'first-screen' | 'lazy' | 'service-worker';
}

/** A sum of files. */
export interface SizeTotal {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** The size of the app's JavaScript, as `packages/app/build.mjs` checks its budget. */
export interface AppSize {
  readonly dist: string;
  readonly files: readonly AppFile[];
  readonly total: SizeTotal;
  readonly firstScreen: SizeTotal;
  readonly lazy: SizeTotal;
  readonly serviceWorker: SizeTotal;
}

/**
 * Gzips (zlib level 9) every .js file under `dist`, and sorts them into what
 * the first screen loads and what is loaded later, from index.html and the
 * static imports at the head of each module (esbuild hoists them there).
 *
 * @throws Error when `dist` has no index.html: the app was not built.
 */
export function measureAppSize(dist: string): AppSize {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: build the app first (npm run build)`);
  }
  const scripts = listFiles(dist).filter((file) => file.endsWith('.js'));
  const firstScreen = staticClosure(dist, pageScripts(readFileSync(index, 'utf8')));
  const files = scripts.map((file): AppFile => {
    const bytes = readFileSync(join(dist, file));
    return {
      file,
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: 9 }).length,
      part: firstScreen.has(file) ? 'first-screen' : file === 'sw.js' ? 'service-worker' : 'lazy',
    };
  });
  const sum = (list: readonly AppFile[]): SizeTotal => ({
    files: list.length,
    bytes: list.reduce((total, f) => total + f.bytes, 0),
    gzipBytes: list.reduce((total, f) => total + f.gzipBytes, 0),
  });
  return {
    dist,
    files,
    total: sum(files),
    firstScreen: sum(files.filter((f) => f.part === 'first-screen')),
    lazy: sum(files.filter((f) => f.part === 'lazy')),
    serviceWorker: sum(files.filter((f) => f.part === 'service-worker')),
  };
}

/** Every file under `dir`, as relative paths with forward slashes, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(dir, path) : [path];
    })
    .sort();
}

/** The local scripts index.html loads: `<script src>` and `<link rel="modulepreload">`. */
function pageScripts(html: string): string[] {
  const found: string[] = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const isScript = /^<script/i.test(tag);
    if (!isScript && !/\brel\s*=\s*["']?modulepreload/i.test(tag)) continue;
    const ref = /\b(?:src|href)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (ref && !/^[a-z]+:|^\/\//i.test(ref)) found.push(posix.normalize(ref.replace(/^\.\//, '')));
  }
  return found;
}

/** `roots` and every file they import statically, transitively. */
function staticClosure(dist: string, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file) || !existsSync(join(dist, file))) continue;
    seen.add(file);
    for (const spec of leadingImports(readFileSync(join(dist, file), 'utf8'))) {
      if (spec.startsWith('.')) queue.push(posix.join(posix.dirname(file), spec));
    }
  }
  return seen;
}

/**
 * The specifiers of the `import … from "…"` / `import "…"` statements at the
 * head of a minified module. Dynamic `import("…")` calls come later in the
 * code and are not matched: those chunks load on demand.
 */
function leadingImports(code: string): string[] {
  const statement = /^\s*import\s*(?:[^"';()]*?\bfrom\s*)?["']([^"']+)["']\s*;?/;
  const specs: string[] = [];
  let rest = code;
  for (let match = statement.exec(rest); match; match = statement.exec(rest)) {
    specs.push(match[1]!);
    rest = rest.slice(match[0].length);
  }
  return specs;
}
