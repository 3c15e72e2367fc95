// Memory stays flat over a long run: 10,000 steps of a small MLP through the real training loop (evaluations every
// 100 steps, minibatches, checkpoints every 1,000 steps, as a compute process runs them). The live tensor count and
// the bytes TF.js holds are the same at step 2,000 and step 10,000, and the JS heap after a full garbage collection
// grows by less than 2 MB between them.
import * as tf from '@tensorflow/tfjs-core';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { runTraining } from '../../src/main/compute/train/run';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

it('10,000 steps: constant live tensors and TF.js bytes, bounded heap growth', async () => {
  const cfg = RunConfigSchema.parse({
    seed: 1,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5 },
    model: { kind: 'mlp', embedDim: 4, width: 16, depth: 1 },
    optimizer: { lr: 3e-3, weightDecay: 1 },
    training: { steps: 10_000, evalEvery: 100, checkpointEvery: 1000, batchSize: 8 },
  });
  const samples = new Map<number, { tensors: number; bytes: number; heap: number }>();
  let evals = 0;
  let checkpoints = 0;
  let done: unknown = null;
  await runTraining(cfg, {
    runId: 1,
    control: { paused: false, cancelled: false },
    emit: (m) => {
      if (m.type === 'checkpoint') checkpoints++;
      if (m.type === 'done' || m.type === 'error') done = m;
      if (m.type !== 'metrics') return;
      evals++;
      if (m.step === 2000 || m.step === 6000 || m.step === 10_000) {
        gc();
        const mem = tf.memory();
        samples.set(m.step, { tensors: mem.numTensors, bytes: mem.numBytes, heap: process.memoryUsage().heapUsed });
      }
    },
  });
  expect(done).toMatchObject({ type: 'done', reason: 'completed', step: 10_000 });
  expect(evals).toBeGreaterThanOrEqual(101);
  expect(checkpoints).toBe(10);
  const [a, b, c] = [samples.get(2000)!, samples.get(6000)!, samples.get(10_000)!];
  expect(b.tensors).toBe(a.tensors);
  expect(c.tensors).toBe(a.tensors);
  expect(c.bytes).toBe(a.bytes);
  const growth = c.heap - a.heap;
  console.log(
    `tensors ${a.tensors} → ${c.tensors}; TF.js bytes ${a.bytes} → ${c.bytes}; heap ${(a.heap / 2 ** 20).toFixed(1)} → ${(c.heap / 2 ** 20).toFixed(1)} MiB (${(growth / 1024).toFixed(0)} KiB)`,
  );
  expect(growth).toBeLessThan(2 * 2 ** 20);
}, 120_000);
