import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PASSED_ON } from './cipherpad/cipherpad-client.js';
import { KEEPER_ERRORS } from './errors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const web = join(root, 'packages', 'keeper', 'web');
const docs = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');

/** Every `'ERR_…'` literal in the TypeScript files under `dir`, with the file it is in. */
function codesIn(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    for (const match of readFileSync(path, 'utf8').matchAll(/['"`]?\b(ERR_[A-Z0-9_]+)\b/g)) {
      found.set(match[1] as string, path.slice(root.length));
    }
  }
  return found;
}

/** A docs/errors.md section's text, from its heading to the next. */
function section(heading: string): string {
  const start = docs.indexOf(`## ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = docs.indexOf('\n## ', start + 3);
  return docs.slice(start, end < 0 ? undefined : end);
}

/** The codes with a row of their own in a table of `text`, and the status in that row. */
function rows(text: string): Map<string, string> {
  return new Map(
    [...text.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|/gm)].map((m) => [
      m[1] as string,
      m[2] as string,
    ]),
  );
}

describe('docs/errors.md and the keeper’s pages', () => {
  const pageCodes = codesIn(web);
  const keeperSection = section('Keeper (`packages/keeper`)');
  // What the pages' API client makes up itself, when the keeper gave no answer to read.
  const madeByPages = new Set(codesIn(join(web, 'lib')).keys());
  for (const code of [...madeByPages]) {
    if (!readFileSync(join(web, 'lib', 'api.ts'), 'utf8').includes(`'${code}'`)) {
      madeByPages.delete(code);
    }
  }

  it('finds the codes the pages handle and show', () => {
    // Guards against a parse that finds nothing and so passes every check below.
    expect(pageCodes.size).toBeGreaterThan(25);
    expect(pageCodes.has('ERR_CSRF')).toBe(true);
    expect(pageCodes.has('ERR_RATE_LIMITED_FAILURES')).toBe(true);
    expect([...madeByPages]).toEqual(['ERR_NETWORK']);
  });

  it('documents every code a page handles or shows, in a table row', () => {
    const documented = rows(docs);
    const missing = [...pageCodes].filter(([code]) => !documented.has(code));
    expect(missing).toEqual([]);
  });

  it('has every such code come from the keeper: its own, Cipherpad’s passed on, or the page’s client', () => {
    const answered = new Set([...Object.keys(KEEPER_ERRORS), ...PASSED_ON]);
    const unknown = [...pageCodes].filter(
      ([code]) => !answered.has(code) && !madeByPages.has(code),
    );
    expect(unknown).toEqual([]);
    for (const code of madeByPages) expect(keeperSection, code).toContain(`\`${code}\``);
  });

  it('documents every code of the keeper, with its status where the keeper section lists it', () => {
    const documented = rows(docs);
    const own = rows(keeperSection);
    for (const [code, { status }] of Object.entries(KEEPER_ERRORS)) {
      expect(documented.has(code) || keeperSection.includes(`\`${code}\``), code).toBe(true);
      if (own.has(code)) expect(own.get(code), code).toBe(String(status));
    }
    for (const code of PASSED_ON) expect(documented.has(code), code).toBe(true);
  });

  it('gives every code a message in each language of the pages', () => {
    const i18n = readFileSync(join(web, 'lib', 'i18n.ts'), 'utf8');
    const languages = [...i18n.matchAll(/^ {2}(en|ru): \{\n([\s\S]*?)^ {2}\},?$/gm)]
      .filter((m) => (m[2] as string).includes('ERR_'))
      .map((m) => ({
        lang: m[1] as string,
        codes: new Set([...(m[2] as string).matchAll(/^ {4}(ERR_[A-Z0-9_]+):/gm)].map((c) => c[1])),
      }));
    expect(languages.map((l) => l.lang)).toEqual(['en', 'ru']);
    const [en, ru] = languages;
    expect([...(en?.codes ?? [])].sort()).toEqual([...(ru?.codes ?? [])].sort());
    for (const code of ['ERR_CSRF', 'ERR_RATE_LIMITED_FAILURES', 'ERR_NOT_SIGNED_IN']) {
      expect(en?.codes.has(code), code).toBe(true);
    }
  });
});
