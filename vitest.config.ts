import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Two cores: argon2 hashing dominates, more workers only queue behind each other.
    maxWorkers: 2,
  },
});
