import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';

describe('activity log labels', () => {
  it('name every event type the service records', () => {
    const source = readFileSync(
      new URL('../../../server/src/audit/record-event.ts', import.meta.url),
      'utf8',
    );
    const union = source.slice(source.indexOf('readonly type:'), source.indexOf('readonly ip'));
    const types = [...union.matchAll(/'([a-z]+\.[a-z._-]+)'/g)].map((match) => match[1]);
    expect(types).toContain('login.succeeded');
    // docs/confirmation-api.md, "Consent"; named here too so a type the service has not added yet is covered.
    const contract = ['confirmation.succeeded', 'site.consented', 'site.consent_withdrawn'];
    const missing = [...types, ...contract].filter((type) => !Object.hasOwn(en, `event.${type}`));
    expect(missing).toEqual([]);
  });
});
