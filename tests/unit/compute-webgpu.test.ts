// The webgpu backend on a software GPU (SwiftShader): every model kind trains as it does on wasm (losses, accuracies
// and parameters within float32 tolerance), the device-side cross-entropy equals TF.js autodiff, a run stopped and
// resumed from its checkpoint equals an uninterrupted one, and 500 steps leak no tensor and no GPU buffer.
// SwiftShader compiles each pipeline slowly, so the models are small and the runs short.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import type { LandscapeRow } from '../../src/shared/api/landscape-types';
import { runLandscapeJob } from '../../src/main/compute/probes/landscape/job';
import { deviceCrossEntropy } from '../../src/main/compute/train/metrics';
import { trainLoop } from '../../src/main/compute/train/loop';
import { Trainer } from '../../src/main/compute/train/trainer';
import { aclImdb, mnistLike, qm9 } from './sample-task-files';
import { useSoftwareGpu } from './software-gpu';
import { tempDir } from './store-helpers';

const tmp = tempDir('webgpu');
beforeAll(() => useSoftwareGpu(), 600_000);
afterAll(() => tmp.cleanup());

const table = { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5, encoding: 'three-token' } as const;
type Input = Omit<RunConfigInput, 'training' | 'backend'>;
const CASES: [string, () => Input][] = [
  ['MLP on a table task (AdamW, weight decay)', () => ({ task: table, model: { kind: 'mlp', embedDim: 8, width: 16, depth: 2 } })],
  [
    'transformer, 1 layer without LayerNorm (Nanda)',
    () => ({
      task: table,
      model: { kind: 'transformer', layers: 1, dModel: 16, heads: 2, dMlp: 32, layerNorm: false, tiedEmbedding: false },
    }),
  ],
  [
    'transformer, 2 layers with LayerNorm and tied embedding (Power), SGD with momentum and clipping',
    () => ({
      task: { ...table, op: 'sub' },
      model: { kind: 'transformer', layers: 2, dModel: 16, heads: 2, dMlp: 32 },
      optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9, clipGradNorm: 0.5 },
    }),
  ],
  ['LSTM on a table task (Adam)', () => ({ task: table, model: { kind: 'lstm', embedDim: 8, hidden: 8 }, optimizer: { kind: 'adam' } })],
  [
    'teacher-student MLP (MSE, α = 2, constant norm, update and weight noise)',
    () => ({
      task: { kind: 'teacher-student', trainSize: 50 },
      model: { kind: 'mlp', width: 20, depth: 2, activation: 'tanh' },
      loss: 'mse',
      init: { scale: 2 },
      constantNorm: true,
      optimizer: { updateNoise: 0.01, weightNoise: 0.01 },
    }),
  ],
  [
    'MNIST-like MLP (dense, cross-entropy, RMSprop, minibatches)',
    () => ({
      task: { kind: 'mnist', ...mnistLike(tmp.file), trainSize: 60, evalSize: 0 },
      model: { kind: 'mlp', width: 16, depth: 2 },
      optimizer: { kind: 'rmsprop', lr: 1e-3 },
      training: { batchSize: 16 },
    }),
  ],
  [
    'IMDb LSTM (2 layers)',
    () => ({
      task: { kind: 'imdb', path: aclImdb(tmp.file), vocabSize: 10, maxLen: 6, trainSize: 12, testFraction: 0.5 },
      model: { kind: 'lstm', embedDim: 4, hidden: 6, layers: 2 },
    }),
  ],
  [
    'QM9 GCN (MSE, Adamax)',
    () => ({
      task: { kind: 'qm9', path: qm9(tmp.file), trainSize: 10, testFraction: 0.25 },
      model: { kind: 'gcn', hidden: 8, layers: 2 },
      loss: 'mse',
      optimizer: { kind: 'adamax' },
    }),
  ],
];

const STEPS = 20;

function config(input: Input, backend: 'wasm' | 'webgpu', steps = STEPS): RunConfig {
  const { training, optimizer, ...rest } = input as Input & { training?: object; optimizer?: object };
  return RunConfigSchema.parse({
    seed: 5,
    backend,
    ...rest,
    optimizer: { lr: 1e-2, weightDecay: 0.5, warmupSteps: 2, ...optimizer },
    training: { steps, evalEvery: 10, ...training },
  });
}

const flatParams = (t: Trainer) => Promise.all(t.model.params.map((p) => p.variable.data())).then((d) => d.flatMap((x) => Array.from(x)));

/** Losses of each update, the metrics at the end and the final parameters. */
async function train(input: Input, backend: 'wasm' | 'webgpu') {
  await initBackend(backend);
  const t = new Trainer(config(input, backend));
  try {
    const losses: number[] = [];
    for (let s = 0; s < STEPS; s++) losses.push((await t.update(s % 5 === 0)).loss);
    const metrics = Object.fromEntries((await t.evaluate(null)).map(([name, , v]) => [name, v]));
    return { losses, metrics, params: await flatParams(t) };
  } finally {
    t.dispose();
  }
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
// float32 with a different summation order per kernel, compounded over 20 updates
const TOLERANCE = 2e-3;

describe('webgpu trains every model kind as wasm does', () => {
  for (const [name, input] of CASES)
    it(`${name}: ${STEPS} steps`, async () => {
      const cfg = input();
      const wasm = await train(cfg, 'wasm');
      const gpu = await train(cfg, 'webgpu');
      gpu.losses.forEach((l, i) => expect(rel(l, wasm.losses[i]!), `loss of update ${i + 1}`).toBeLessThan(TOLERANCE));
      for (const m of ['train_loss', 'val_loss', 'weight_norm', 'cos_init'])
        expect(rel(gpu.metrics[m]!, wasm.metrics[m]!), m).toBeLessThan(TOLERANCE);
      // accuracies are counts over a few rows: equal unless a logit tie falls on either side of float32 rounding
      for (const m of ['train_acc', 'val_acc']) expect(Math.abs(gpu.metrics[m]! - wasm.metrics[m]!), m).toBeLessThanOrEqual(0.05);
      let worst = 0;
      let scale = 0;
      gpu.params.forEach((x, i) => {
        worst = Math.max(worst, Math.abs(x - wasm.params[i]!));
        scale = Math.max(scale, Math.abs(wasm.params[i]!));
      });
      expect(worst / scale, 'largest parameter difference, relative to the largest parameter').toBeLessThan(TOLERANCE);
      expect(gpu.losses[STEPS - 1]).not.toBe(gpu.losses[0]); // it trains
    }, 180_000);
});

describe('webgpu: the device-side cross-entropy', () => {
  it('value and gradient equal TF.js autodiff of −Σ t·log softmax(z) / n, for one-hot and soft targets', async () => {
    // (the backend reports the adapter it runs on: SwiftShader here)
    expect((await initBackend('webgpu')).adapter).toMatchObject({ vendor: 'google', software: true });
    const z = tf.tensor2d([0.3, -1.2, 2.5, 0.1, 4, -3, 0, 0.5, 0.5, 7, 1, -2], [3, 4]);
    for (const t of [
      tf.cast(tf.oneHot(tf.tensor1d([2, 0, 1], 'int32'), 4), 'float32') as tf.Tensor2D,
      tf.tensor2d([0.2, 0.3, 0.5, 0, 0, 1, 0, 0, 0.25, 0.25, 0.25, 0.25], [3, 4]),
    ]) {
      const ours = tf.valueAndGrad((x: tf.Tensor) => deviceCrossEntropy(x as tf.Tensor2D, t))(z);
      const ref = tf.valueAndGrad((x: tf.Tensor) => tf.div(tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(x)))), 3) as tf.Scalar)(z);
      expect(rel((await ours.value.data())[0]!, (await ref.value.data())[0]!)).toBeLessThan(1e-6);
      const [g, r] = [await ours.grad.data(), await ref.grad.data()];
      g.forEach((x, i) => expect(Math.abs(x - r[i]!)).toBeLessThan(1e-6));
      tf.dispose([ours.value, ours.grad, ref.value, ref.grad, t]);
    }
    z.dispose();
  });
});

describe('webgpu: checkpoints and memory', () => {
  const input = CASES[0]![1];

  it('a run stopped at step 10 and resumed from its checkpoint equals an uninterrupted one', async () => {
    await initBackend('webgpu');
    const cfg = config(input(), 'webgpu');
    const whole = new Trainer(cfg);
    const first = new Trainer(cfg);
    const losses: number[] = [];
    for (let s = 0; s < STEPS; s++) losses.push((await whole.update(false)).loss);
    for (let s = 0; s < 10; s++) await first.update(false);
    const state = await first.snapshot();
    first.dispose();
    const resumed = new Trainer(cfg);
    resumed.restore(state);
    const rest: number[] = [];
    for (let s = 10; s < STEPS; s++) rest.push((await resumed.update(false)).loss);
    expect(rest).toEqual(losses.slice(10));
    expect(await flatParams(resumed)).toEqual(await flatParams(whole));
    whole.dispose();
    resumed.dispose();
  }, 120_000);

  it('the loop reads queued losses together: the same step losses and metrics as one read per update, in fewer reads', async () => {
    await initBackend('webgpu');
    const cfg = config(input(), 'webgpu', 40);
    const looped = new Trainer(cfg);
    expect(looped.readEvery).toBeGreaterThan(1);
    const reads: number[] = [];
    const readSteps = looped.readSteps.bind(looped);
    looped.readSteps = async (p) => (reads.push(p.length), readSteps(p));
    const rows: [string, number, number][] = [];
    const end = await trainLoop(looped, cfg.training, {
      control: { paused: false, cancelled: false },
      metrics: (_s, r) => rows.push(...r),
      checkpoint: () => {},
      paused: () => {},
      resumed: () => {},
    });
    expect(end).toEqual({ reason: 'completed', step: 40 });
    expect(reads.reduce((a, b) => a + b, 0)).toBe(40);
    expect(reads.length).toBeLessThan(40);
    const single = new Trainer(cfg);
    const want: number[] = [];
    for (let s = 0; s < 40; s++) want.push((await single.update(false)).loss);
    expect(rows.filter(([n]) => n === 'step_loss').map(([, , v]) => v)).toEqual(want);
    const at40 = Object.fromEntries((await single.evaluate(null)).map(([n, , v]) => [n, v]));
    for (const [n, s, v] of rows) if (s === 40 && n in at40 && n !== 'lr') expect(v, n).toBe(at40[n]);
    looped.dispose();
    single.dispose();
  }, 120_000);

  it('500 steps with measurements and evaluations: the same tensors and GPU bytes in use at step 10 and step 500', async () => {
    await initBackend('webgpu');
    const t = new Trainer(config(input(), 'webgpu', 500));
    let at10: tf.MemoryInfo | null = null;
    for (let s = 1; s <= 500; s++) {
      const r = await t.update(s % 50 === 0);
      if (s % 50 === 0) await t.evaluate(r);
      if (s === 10) at10 = tf.memory();
    }
    const at500 = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    expect(at500.numTensors).toBe(at10!.numTensors);
    expect(at500.numBytes).toBe(at10!.numBytes);
    expect(at500.numBytesInGPU).toBe((at10 as typeof at500).numBytesInGPU);
    expect(at500.numBytesInGPU).toBeGreaterThan(0); // the counter is the webgpu backend's
    t.dispose();
  }, 300_000);
});

describe('webgpu: probes and landscapes', () => {
  it('a 2d landscape of 5 × 3 points is computed on the device and equals the one on wasm', async () => {
    const cfg = config(CASES[1]![1](), 'wasm');
    await initBackend('wasm');
    const t = new Trainer(cfg);
    for (let s = 0; s < 5; s++) await t.update(false);
    const checkpoints = [{ step: 5, params: (await t.snapshot()).params }];
    t.dispose();
    const surface = async (backend: 'wasm' | 'webgpu') => {
      await initBackend(backend);
      const rows = new Map<number, LandscapeRow>();
      await runLandscapeJob(
        {
          config: { ...cfg, backend },
          params: {
            kind: '2d',
            steps: [5],
            direction: 'random',
            direction2: 'random',
            normalization: 'filter',
            oneDim: 'zero',
            orthogonalize: false,
            seed: 2,
            range: [-1, 1],
            points: 5,
            range2: [-0.5, 0.5],
            points2: 3,
          },
          checkpoints,
          trajectorySteps: [5],
          nextSteps: [null],
          skipRows: [],
        },
        { info: () => {}, progress: () => {}, row: (i, r) => rows.set(i, r) },
        () => false,
      );
      return rows;
    };
    const want = await surface('wasm');
    const got = await surface('webgpu');
    expect(got.size).toBe(3);
    for (const [r, row] of got)
      row.train.loss.forEach((l, j) => expect(rel(l, want.get(r)!.train.loss[j]!), `row ${r} point ${j}`).toBeLessThan(1e-4));
  }, 120_000);

  it('work that reads synchronously (the second-order probes) runs on wasm when the run trained on webgpu, and says so', async () => {
    const info = await initBackend('webgpu', { syncReads: true });
    expect(info.backend).toBe('wasm');
    expect(info.notes[0]).toBe('webgpu: this job reads the backend synchronously, which a GPU backend cannot do; it runs on the CPU');
  });
});
