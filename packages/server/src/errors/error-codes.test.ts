import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Every `'ERR_…'` literal in the packages' non-test sources. A literal given
 * to `startsWith(…)` is not a code but a family of codes (`'ERR_PHONE'` for
 * `ERR_PHONE_INVALID`, `ERR_PHONE_TAKEN`, …): it is kept apart in `prefixes`.
 */
function codesInSources(): { codes: Set<string>; prefixes: Set<string> } {
  const codes = new Set<string>();
  const prefixes = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const match of text.matchAll(/(\.startsWith\(\s*)?['"`](ERR_[A-Z0-9_]+)['"`]/g)) {
          (match[1] === undefined ? codes : prefixes).add(match[2] as string);
        }
      }
    }
  };
  for (const pkg of readdirSync(join(root, 'packages'))) walk(join(root, 'packages', pkg, 'src'));
  return { codes, prefixes };
}

/** The codes `docs/errors.md` documents: the first cell of its table rows. */
function codesInDocs(): Set<string> {
  const text = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  return new Set([...text.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`/gm)].map((m) => m[1] as string));
}

describe('docs/errors.md', () => {
  it('documents every error code the code base uses, and no other', () => {
    const { codes: used, prefixes } = codesInSources();
    for (const code of Object.keys(ERROR_CODES)) used.add(code);
    const documented = codesInDocs();
    expect([...used].filter((code) => !documented.has(code)).sort()).toEqual([]);
    expect([...documented].filter((code) => !used.has(code)).sort()).toEqual([]);
    // A prefix the code base tests for names documented codes.
    const orphans = [...prefixes].filter(
      (prefix) => ![...documented].some((code) => code.startsWith(`${prefix}_`)),
    );
    expect(orphans.sort()).toEqual([]);
  });

  it('gives each service code the HTTP status the service answers with', () => {
    const text = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      const row = new RegExp(`^\\|\\s*\`${code}\`\\s*\\|\\s*(\\d{3})`, 'm').exec(text);
      expect(row?.[1], code).toBe(String(status));
    }
  });
});
