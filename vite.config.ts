import { defineConfig } from 'vitest/config';

// One config for the browser app (viz/, later) and for vitest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
