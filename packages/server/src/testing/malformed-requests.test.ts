import { describe, expect, it } from 'vitest';
import { documentedCodes } from './documented-codes.js';
import { malformedRequests } from './malformed-requests.js';

const routes = [
  {
    method: 'POST',
    url: '/v1/things',
    schema: { body: { type: 'object', properties: { email: { type: 'string' } } } },
  },
  { method: 'GET', url: '/v1/things/:id' },
  { method: 'GET', url: '/*' },
];

const KINDS = [
  'bad-credentials',
  'bad-percent',
  'content-type',
  'deep-body',
  'huge-body',
  'invalid-utf8',
  'long-id',
  'not-json',
  'nul-body',
  'nul-header',
  'nul-path',
  'nul-query',
  'other-method',
  'proto-keys',
  'query-types',
  'wrong-types',
];

describe('the seeded malformed requests of the fuzz tests', () => {
  it('are the same for the same seed, and others for another', () => {
    const options = { count: 300, credentials: ['none', 'session'] };
    const first = malformedRequests(routes, { ...options, seed: 7 });
    expect(malformedRequests(routes, { ...options, seed: 7 })).toEqual(first);
    expect(malformedRequests(routes, { ...options, seed: 8 })).not.toEqual(first);
  });

  it('give every route every kind, half of the rounds with the credentials it takes', () => {
    const requests = malformedRequests(routes, {
      seed: 1,
      count: 600,
      credentials: ['none', 'session'],
      credentialsFor: () => ['session'],
    });
    for (const route of routes) {
      const mine = requests.filter((r) => r.route === `${route.method} ${route.url}`);
      expect(mine).toHaveLength(200);
      expect([...new Set(mine.map((r) => r.kind))].sort()).toEqual(KINDS);
      expect(mine.filter((r) => r.credentials === 'session').length).toBeGreaterThan(100);
    }
    const nulBodies = requests.filter(
      (r) => r.kind === 'nul-body' && r.route === 'POST /v1/things',
    );
    expect(nulBodies.every((r) => String(r.payload).includes('\\u0000'))).toBe(true);
    const huge = requests.find((r) => r.kind === 'huge-body' && r.route === 'POST /v1/things');
    expect(huge?.payload?.length).toBeGreaterThan(16 * 1024);
  });

  it('read the codes of the named sections of docs/errors.md', () => {
    const markdown = [
      '## Service (HTTP API)',
      '| `ERR_A` | 400 | a |',
      '## CLI (`cipherpad`)',
      '| `ERR_B` | — | b |',
      '## Keeper (`packages/keeper`)',
      '| `ERR_C` | 404 | c |',
    ].join('\n');
    expect([...documentedCodes(markdown, ['Service', 'Keeper'])]).toEqual(['ERR_A', 'ERR_C']);
  });
});
