import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

/** Every `/v1/…` route the sources declare, as `METHOD /v1/path/{param}`. */
function declaredRoutes(): Set<string> {
  const routes = new Set<string>();
  const src = fileURLToPath(new URL('../', import.meta.url));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(
          /\.(get|post|patch|put|delete)(?:<[^()]*?>)?\(\s*'(\/v1\/[^']*)'/g,
        )) {
          const route = (m[2] as string).replace(/:(\w+)/g, '{$1}');
          routes.add(`${(m[1] as string).toUpperCase()} ${route}`);
        }
      }
    }
  };
  walk(src);
  return routes;
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3 description of every /v1 route, each with a summary', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = JSON.parse(response.body);
    expect(doc.openapi).toMatch(/^3\./);
    const described = new Set<string>();
    const unsummarized: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths as Record<string, object>)) {
      for (const [method, operation] of Object.entries(operations)) {
        described.add(`${method.toUpperCase()} ${path}`);
        if (typeof operation.summary !== 'string') unsummarized.push(`${method} ${path}`);
        expect(Object.keys(operation.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(
          0,
        );
      }
    }
    expect(unsummarized).toEqual([]);
    const declared = declaredRoutes();
    // The outbox of development is served here too (CIPHERPAD_ENV=development).
    expect(declared.size).toBeGreaterThan(30);
    expect([...declared].filter((route) => !described.has(route)).sort()).toEqual([]);
    expect(
      Object.keys(doc.paths).every((path) => path.startsWith('/v1/') || path === '/health'),
    ).toBe(true);
    expect(doc.paths['/v1/confirmations'].post.security).toEqual([{ siteBasic: [] }]);
    expect(doc.paths['/v1/confirmations'].post.requestBody).toBeDefined();
  });
});
