import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Training tests are CPU-bound on a 2-core machine: never run files in parallel.
    fileParallelism: false,
    pool: 'forks',
  },
});
