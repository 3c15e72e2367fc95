// Data-parallel full-batch gradients (train/pool) on the Omnigrok sample tasks: a worker thread rebuilds the
// task from the run config and takes its share of the rows (dense rows, token rows, padded graphs); the combined
// loss and gradient equal the single-process ones, and a trainer with GROKSCOPE_WORKERS=1 trains like one without.
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/shared/analysis/rng';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createModel } from '../../src/main/compute/models/create';
import { GradientPool } from '../../src/main/compute/train/pool';
import { Rng } from '../../src/main/compute/engine/rng';
import { buildAnyDataset } from '../../src/main/compute/tasks/build';
import { encodeSamples, disposeSampleBatch } from '../../src/main/compute/tasks/sample-tensors';
import type { SampleDataset } from '../../src/main/compute/tasks/samples';
import { batchLoss } from '../../src/main/compute/train/metrics';
import { Trainer } from '../../src/main/compute/train/trainer';
import { tempDir } from './store-helpers';

const tmp = tempDir('parallel-samples');
beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => {
  tf.disposeVariables();
  tmp.cleanup();
});

function idx(dims: number[], payload: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint8(2, 0x08);
  head.setUint8(3, dims.length);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...new Uint8Array(head.buffer), ...payload]);
}

/** MNIST-like IDX files: 7×7 images of 10 classes. */
function mnistLike() {
  const r = seededRandom(8);
  const files: Record<string, string> = {};
  for (const [split, n] of [
    ['train', 60],
    ['test', 20],
  ] as const) {
    const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
    const pixels = Uint8Array.from({ length: n * 49 }, (_, k) =>
      k % 49 === (labels[Math.floor(k / 49)]! * 4) % 49 ? 255 : Math.floor(90 * r.next()),
    );
    files[`${split}Images`] = tmp.file(`${split}-img`);
    files[`${split}Labels`] = tmp.file(`${split}-lab`);
    writeFileSync(files[`${split}Images`]!, idx([n, 7, 7], pixels));
    writeFileSync(files[`${split}Labels`]!, idx([n], labels));
  }
  return files;
}

function aclImdb(): string {
  const root = tmp.file('aclImdb');
  const words = { pos: ['great', 'fine', 'superb'], neg: ['awful', 'dull', 'poor'] };
  let k = 0;
  for (const part of ['train', 'test'])
    for (const sub of ['pos', 'neg'] as const) {
      mkdirSync(join(root, part, sub), { recursive: true });
      for (let i = 0; i < 6; i++)
        writeFileSync(
          join(root, part, sub, `${k++}_${sub === 'pos' ? 8 : 2}.txt`),
          `the film ${words[sub][i % 3]} plot ${words[sub][(i + 1) % 3]} was`,
        );
    }
  return root;
}

function qm9(): string {
  const smiles = ['C', 'N', 'O', 'C#C', 'C=O', 'CO', 'CC', 'CCO', 'CC(C)C', 'CCN', 'C1CC1', 'CC#N', 'c1ccccc1', 'OCC(N)=O'];
  const csv = tmp.file('qm9.csv');
  writeFileSync(
    csv,
    'mol_id,smiles,alpha\n' + smiles.map((s, i) => `gdb_${i},${s},${(5 + 6 * s.length + (i % 4)).toFixed(2)}`).join('\n') + '\n',
  );
  return csv;
}

type Input = Omit<RunConfigInput, 'training'>;
const CASES: [string, () => Input][] = [
  [
    'teacher-student (dense, MSE, α = 2)',
    () => ({
      task: { kind: 'teacher-student', trainSize: 50 },
      model: { kind: 'mlp', width: 20, depth: 2, activation: 'tanh' },
      loss: 'mse',
      init: { scale: 2 },
    }),
  ],
  [
    'MNIST-like IDX (dense, cross-entropy)',
    () => ({
      task: { kind: 'mnist', ...mnistLike(), trainSize: 60, evalSize: 0 },
      model: { kind: 'mlp', width: 16, depth: 2 },
      loss: 'cross-entropy',
    }),
  ],
  [
    'IMDb (LSTM on tokens)',
    () => ({
      task: { kind: 'imdb', path: aclImdb(), vocabSize: 10, maxLen: 6, trainSize: 12, testFraction: 0.5 },
      model: { kind: 'lstm', embedDim: 4, hidden: 6, layers: 2 },
    }),
  ],
  [
    'QM9 (GCN on padded graphs)',
    () => ({
      task: { kind: 'qm9', path: qm9(), trainSize: 10, testFraction: 0.25 },
      model: { kind: 'gcn', hidden: 8, layers: 2 },
      loss: 'mse',
    }),
  ],
];

function config(input: Input): RunConfig {
  return RunConfigSchema.parse({
    seed: 3,
    backend: 'cpu',
    optimizer: { lr: 1e-2, weightDecay: 0.1, warmupSteps: 0 },
    training: { steps: 4 },
    ...input,
  });
}

/** Runs f in a tensor scope (tf.tidy only returns tensors) and returns its plain result. */
function scoped<T>(f: () => T): T {
  tf.engine().startScope();
  try {
    return f();
  } finally {
    tf.engine().endScope();
  }
}
const flatOf = (ts: tf.Tensor[]) => Float64Array.from(ts.flatMap((t) => Array.from(t.dataSync())));
const relDiff = (a: Float64Array, b: Float64Array) => {
  let num = 0;
  let den = 0;
  a.forEach((x, i) => {
    num += (x - b[i]!) ** 2;
    den += b[i]! ** 2;
  });
  return Math.sqrt(num / den);
};

// Each pool start costs seconds (a worker loads tsx and compiles the modules): one pool of 2 workers per task, so three
// uneven shares (the graph shares are padded to different sizes).
describe('gradient pool on sample tasks', () => {
  it.each(CASES)(
    '%s: the loss and gradient over 2 workers and the trainer thread equal the single-process ones (relative 1e-6)',
    (_name, input) => {
      const cfg = config(input());
      const ds = buildAnyDataset(cfg.task) as SampleDataset;
      const model = createModel(cfg.model, ds, new Rng(5));
      const vars = model.params.map((p) => p.variable);
      const size = vars.reduce((n, v) => n + v.size, 0);
      const lossOf = (b: { input: Parameters<typeof model.forward>[0]; targets: tf.Tensor2D }) =>
        batchLoss(cfg.loss, model.forward(b.input), b.targets);
      const all = encodeSamples(ds.train, null);
      const single = scoped(() => {
        const { value, grads } = tf.variableGrads(() => lossOf(all), vars);
        return { value: value.dataSync()[0]!, grads: flatOf(vars.map((v) => grads[v.name]!)) };
      });
      disposeSampleBatch(all);
      {
        const workers = 2;
        const pool = GradientPool.start(cfg, 'cpu', workers, ds.train.size, size, (n) =>
          encodeSamples(
            ds.train,
            Int32Array.from({ length: n }, (_, i) => i),
          ),
        )!;
        try {
          expect(pool.own.input.batch).toBeLessThan(ds.train.size); // the trainer thread really holds only its share
          const got = scoped(() => {
            const { value, grads } = pool.valueAndGrads((b) => tf.variableGrads(() => lossOf(b), vars), vars);
            return { value: value.dataSync()[0]!, grads: flatOf(vars.map((v) => grads[v.name]!)) };
          });
          expect(Math.abs(got.value - single.value) / single.value, `loss, ${workers} worker(s)`).toBeLessThan(1e-6);
          expect(relDiff(got.grads, single.grads), `gradient, ${workers} worker(s)`).toBeLessThan(1e-6);
        } finally {
          pool.dispose();
        }
      }
      tf.dispose(vars);
    },
    60_000,
  );

  it('a trainer with one worker takes the same full-batch steps on a sample task as one without', () => {
    const cfg = config(CASES[3]![1]());
    const run = (workers: number) => {
      const t = new Trainer(cfg, { threads: { workers }, mlpKernel: true });
      try {
        // the trainer started a pool exactly when asked (private field: the behaviour under test)
        expect((t as unknown as { pool: GradientPool | null }).pool !== null).toBe(workers > 0);
        const losses = Array.from({ length: 4 }, () => t.update(false).loss);
        return { losses, params: flatOf(t.model.params.map((p) => p.variable)) };
      } finally {
        t.dispose();
      }
    };
    const one = run(0);
    const two = run(1);
    two.losses.forEach((l, i) => expect(Math.abs(l - one.losses[i]!) / one.losses[i]!, `step ${i + 1}`).toBeLessThan(1e-5));
    expect(relDiff(two.params, one.params)).toBeLessThan(1e-5);
    expect(one.losses[3]).toBeLessThan(one.losses[0]!); // it trains
  }, 60_000);
});
