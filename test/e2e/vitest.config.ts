import { defineConfig } from 'vitest/config';

// The portal in headless Chromium against real servers (npm run test:e2e builds web/dist first).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores, each test file with its own server and browser: two at a time at most.
    maxWorkers: 2,
  },
});
