import { describe, expect, it } from 'vitest';
import { readSites } from './consented-sites.js';

describe('sites with consent', () => {
  it('reads the service’s list', () => {
    expect(
      readSites({
        sites: [
          { clientId: 'cps_a', name: 'Keeper Demo', consentedAt: 5 },
          { clientId: 'cps_b', name: 'Shop' },
        ],
      }),
    ).toEqual([
      { clientId: 'cps_a', name: 'Keeper Demo', consentedAt: 5 },
      { clientId: 'cps_b', name: 'Shop' },
    ]);
  });

  it('skips malformed entries and answers', () => {
    expect(readSites({ sites: [{ clientId: 1, name: 'x' }, null, { name: 'y' }] })).toEqual([]);
    expect(readSites(null)).toEqual([]);
    expect(readSites({ sites: 'no' })).toEqual([]);
  });
});
