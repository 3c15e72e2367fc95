// The MLP's training step in Grokscope's own wasm kernels (engine/mlp-kernel) against two independent references:
// TF.js autodiff of the same model on the cpu backend (gradients), and the loss computed in float64 on the host from
// the model's logits. Shapes that are not multiples of the kernels' blocks (rows, width, classes) are included.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, type LossKind, type RunConfig } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { hostGradsFor } from '../../src/main/compute/engine/fast-paths';
import { createModel } from '../../src/main/compute/models/create';
import { Rng } from '../../src/main/compute/engine/rng';
import { buildDataset } from '../../src/main/compute/tasks/build';
import { encodeBatch, type Batch } from '../../src/main/compute/train/data';
import { batchLoss } from '../../src/main/compute/train/metrics';
import { Trainer } from '../../src/main/compute/train/trainer';
import { updateLosses } from './in-order';

afterAll(() => tf.disposeVariables());

function config(
  p: number,
  encoding: 'three-token' | 'power',
  model: { embedDim: number; width: number; depth: number },
  loss: LossKind = 'cross-entropy',
): RunConfig {
  return RunConfigSchema.parse({
    seed: 3,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p, trainFraction: 0.5, encoding },
    model: { kind: 'mlp', activation: 'relu', ...model },
    optimizer: { lr: 1e-2, weightDecay: 1, warmupSteps: 0 },
    loss,
    training: { steps: 20 },
  });
}

/** Σ-loss of a batch in float64 from the model's logits (read on the host), and its TF.js gradients on cpu. */
async function reference(cfg: RunConfig, params: Float32Array[], rows: Int32Array): Promise<{ loss: number; grads: Float32Array[] }> {
  await initBackend('cpu');
  const ds = buildDataset(cfg.task);
  const model = createModel(cfg.model, ds, new Rng(0));
  model.params.forEach((p, i) => p.variable.assign(tf.tensor(params[i]!, p.variable.shape)));
  const b = encodeBatch(ds.train, ds.seqLen, ds.vocabSize, ds.numClasses, rows);
  const vars = model.params.map((p) => p.variable);
  const n = b.input.batch;
  const { grads } = tf.variableGrads(() => tf.mul(batchLoss(cfg.loss, model.forward(b.input), b.targets), n) as tf.Scalar, vars);
  const logits = model.forward(b.input).arraySync() as number[][];
  const labels = b.labels.arraySync() as number[];
  let loss = 0;
  logits.forEach((z, r) => {
    const y = labels[r]!;
    if (cfg.loss === 'mse') loss += z.reduce((s, v, j) => s + (v - (j === y ? 1 : 0)) ** 2, 0) / z.length;
    else {
      const max = Math.max(...z);
      loss += Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0)) + max - z[y]!;
    }
  });
  const out = { loss, grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())) };
  tf.dispose([...Object.values(grads), ...vars]);
  await initBackend('wasm');
  return out;
}

function maxRel(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let scale = 0;
  want.forEach((w, i) => {
    diff = Math.max(diff, Math.abs(got[i]! - w));
    scale = Math.max(scale, Math.abs(w));
  });
  return diff / scale;
}

describe('MLP wasm kernel', () => {
  const cases: [string, RunConfig, number | null][] = [
    [
      'three-token, depth 1, cross-entropy (the bench shape, p = 31)',
      config(31, 'three-token', { embedDim: 32, width: 128, depth: 1 }),
      null,
    ],
    ['power encoding, depth 2, width 12, p = 13, 37 rows', config(13, 'power', { embedDim: 5, width: 12, depth: 2 }), 37],
    ['three-token, depth 3, MSE, p = 23, 50 rows', config(23, 'three-token', { embedDim: 8, width: 20, depth: 3 }, 'mse'), 50],
  ];
  for (const [name, cfg, rowCount] of cases) {
    it(`${name}: Σ loss and gradients equal the references (float32 rounding)`, async () => {
      await initBackend('wasm');
      const ds = buildDataset(cfg.task);
      const model = createModel(cfg.model, ds, new Rng(7));
      const hostGrads = hostGradsFor(model, 'wasm');
      if (!hostGrads) throw new Error('the ReLU embedding MLP should have the kernel');
      const rows = rowCount === null ? null : Int32Array.from({ length: rowCount }, (_, i) => (i * 7) % ds.train.size);
      const b: Batch = encodeBatch(ds.train, ds.seqLen, ds.vocabSize, ds.numClasses, rows);
      const labels = Int32Array.from(b.labels.dataSync());
      const got = hostGrads(b.input, labels, cfg.loss);
      const params = model.params.map((p) => Float32Array.from(p.variable.dataSync()));
      const want = await reference(cfg, params, rows ?? Int32Array.from({ length: ds.train.size }, (_, i) => i));
      expect(Math.abs(got.lossSum - want.loss) / want.loss).toBeLessThan(1e-6);
      got.grads.forEach((g, i) => expect(maxRel(g, want.grads[i]!), model.params[i]!.name).toBeLessThan(2e-5));
      tf.dispose([b.input.onehot, b.input.onehotT, b.targets, b.labels, ...model.params.map((p) => p.variable)]);
    });
  }

  it('switches batches: a second batch after the first gives its own gradients, and the first again its own', async () => {
    await initBackend('wasm');
    const cfg = config(13, 'three-token', { embedDim: 6, width: 16, depth: 1 });
    const ds = buildDataset(cfg.task);
    const model = createModel(cfg.model, ds, new Rng(2));
    const hostGrads = hostGradsFor(model, 'wasm');
    if (!hostGrads) throw new Error('no kernel');
    const batchOf = (rows: number[]) => encodeBatch(ds.train, ds.seqLen, ds.vocabSize, ds.numClasses, Int32Array.from(rows));
    const a = batchOf([0, 1, 2, 3, 4, 5, 6]);
    const b = batchOf(Array.from({ length: 40 }, (_, i) => (i * 3) % ds.train.size)); // more rows: the buffers grow
    const run = (x: Batch) => hostGrads(x.input, Int32Array.from(x.labels.dataSync()), 'cross-entropy');
    const first = run(a);
    const other = run(b);
    const again = run(a);
    expect(other.lossSum).not.toBeCloseTo(first.lossSum, 3);
    expect(again.lossSum).toBe(first.lossSum);
    again.grads.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(first.grads[i]!)));
  });

  it('trains like the TF.js ops (GROKSCOPE_MLP_KERNEL=0) and says which one ran in the backend notes', async () => {
    await initBackend('wasm');
    const cfg = config(31, 'three-token', { embedDim: 16, width: 64, depth: 1 });
    const train = async (kernel: boolean) => {
      const t = new Trainer(cfg, { threads: { workers: 0 }, mlpKernel: kernel });
      try {
        const losses = await updateLosses(t, 20);
        return { losses, note: t.kernelNote };
      } finally {
        t.dispose();
      }
    };
    const ops = await train(false);
    const kernel = await train(true);
    expect(ops.note).toBe('MLP step: TF.js ops (GROKSCOPE_MLP_KERNEL=0)');
    expect(kernel.note).toMatch(/^MLP step: Grokscope's WebAssembly SIMD kernel/);
    kernel.losses.forEach((l, i) => expect(Math.abs(l - ops.losses[i]!) / ops.losses[i]!, `step ${i + 1}`).toBeLessThan(1e-4));
    expect(kernel.losses[19]).toBeLessThan(kernel.losses[0]! * 0.9); // it trains
  });
});
