import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Workspace packages resolve to their TypeScript sources, so tests need no build.
const alias = {
  '@cipherpad/core': source('./packages/core/src/index.ts'),
  '@cipherpad/storage': source('./packages/storage/src/index.ts'),
  '@cipherpad/http': source('./packages/http/src/index.ts'),
  '@cipherpad/server/testing': source('./packages/server/src/testing.ts'),
  '@cipherpad/server': source('./packages/server/src/index.ts'),
  '@cipherpad/keeper': source('./packages/keeper/src/index.ts'),
};

const postgresUrl = process.env.CIPHERPAD_TEST_POSTGRES_URL?.trim();
if (!postgresUrl) {
  if (process.env.CI === 'true') {
    throw new Error('CI must run the PostgreSQL tests: set CIPHERPAD_TEST_POSTGRES_URL');
  }
  console.warn(
    '\nPostgreSQL tests skipped: set CIPHERPAD_TEST_POSTGRES_URL (for example ' +
      'postgres://postgres@127.0.0.1:5432/postgres) to run the server suite on PostgreSQL too.\n',
  );
}

const common = { testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          ...common,
          name: 'core',
          include: ['packages/core/src/**/*.test.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          name: 'storage',
          include: ['packages/storage/src/**/*.test.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          name: 'cli',
          include: ['packages/cli/src/**/*.test.ts', 'bench/src/**/*.test.ts', 'docs/**/*.test.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          name: 'app',
          include: ['packages/app/src/**/*.test.ts'],
        },
      },
      {
        test: {
          ...common,
          name: 'site',
          include: ['packages/site/src/**/*.test.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          // A journey is many steps in a real browser; each waits for what a person would see.
          testTimeout: 120_000,
          name: 'browser',
          include: ['e2e/src/**/*.test.ts'],
          // Fails a journey's step on any console error or failed request of its pages.
          setupFiles: ['e2e/src/support/setup.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          name: 'server (sqlite)',
          include: ['packages/server/src/**/*.test.ts'],
          env: { CIPHERPAD_TEST_DB: 'sqlite' },
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          name: 'keeper',
          include: ['packages/keeper/src/**/*.test.ts'],
          env: { KEEPER_TEST_DB: 'sqlite' },
        },
      },
      ...(postgresUrl
        ? [
            {
              resolve: { alias },
              test: {
                ...common,
                name: 'keeper (postgres)',
                include: ['packages/keeper/src/**/*.test.ts'],
                env: { KEEPER_TEST_DB: 'postgres', CIPHERPAD_TEST_POSTGRES_URL: postgresUrl },
              },
            },
          ]
        : []),
      ...(postgresUrl
        ? [
            {
              resolve: { alias },
              test: {
                ...common,
                name: 'server (postgres)',
                include: ['packages/server/src/**/*.test.ts'],
                env: { CIPHERPAD_TEST_DB: 'postgres', CIPHERPAD_TEST_POSTGRES_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
