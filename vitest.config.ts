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
    // One thread per run unless a test asks for gradient workers: the default (one per core, compute/parallel) would
    // make results depend on the CI machine's cores (float32 summation order) and start a worker for every trainer.
    env: { GROKSCOPE_WORKERS: '0' },
  },
});
