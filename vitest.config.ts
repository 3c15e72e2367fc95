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
    // Runs started through a back end or the CLI train on one thread unless a test asks for gradient workers (the host
    // reads GROKSCOPE_WORKERS: host/execution-settings): the default, one per core, would make results depend on the
    // CI machine's cores (float32 summation order) and start a worker for every trainer.
    env: { GROKSCOPE_WORKERS: '0' },
  },
});
