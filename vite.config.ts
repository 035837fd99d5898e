import { defineConfig } from 'vitest/config';

// One config for the browser app (viz/, later) and for vitest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No per-test time limit: a test must not fail because the machine is slow or busy (the soak
    // and the end-to-end runs take tens of seconds on two cores, more under load). .ci/run bounds
    // the whole run instead, so a hang still ends.
    testTimeout: 0,
    hookTimeout: 0,
    pool: 'forks',
  },
});
