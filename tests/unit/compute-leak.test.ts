// No tensor leaks on the engine's fast paths (compute-loop.test.ts covers the minibatch MLP): a full-batch
// transformer over distinct prefixes (host gathers, ScatterNd gradients) with its rows split over a worker thread.
// The live tensor count is the same after step 10 and step 500, and back to the start after dispose.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { Trainer } from '../../src/main/compute/train/trainer';

afterAll(() => tf.disposeVariables());

it('full-batch transformer with a gradient worker: the same tensor count after step 10 and step 500', async () => {
  await initBackend('wasm');
  const cfg = RunConfigSchema.parse({
    seed: 1,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.6, encoding: 'power' },
    model: { kind: 'transformer', layers: 2, dModel: 8, heads: 2, dMlp: 16 },
    optimizer: { lr: 1e-3, warmupSteps: 5 },
    training: { steps: 500 },
  });
  const before = tf.memory().numTensors;
  const t = new Trainer(cfg, { threads: { workers: 1 }, mlpKernel: true });
  const counts = new Map<number, number>();
  for (let s = 1; s <= 500; s++) {
    const { loss } = await t.update(s % 50 === 0);
    expect(Number.isFinite(loss)).toBe(true);
    if (s === 10 || s === 500) {
      await t.evaluate(null);
      counts.set(s, tf.memory().numTensors);
    }
  }
  t.dispose();
  expect(counts.get(10)).toBeGreaterThan(before);
  expect(counts.get(500)).toBe(counts.get(10));
  expect(tf.memory().numTensors).toBe(before);
}, 60_000);
