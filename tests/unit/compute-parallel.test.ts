// Data-parallel full-batch steps (train/pool): the trainer thread and a worker thread each take a share of the
// rows; the combined loss and update equal single-thread training up to float32 summation order.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createModel } from '../../src/main/compute/models/create';
import { chooseWorkers, GradientPool } from '../../src/main/compute/train/pool';
import { Rng } from '../../src/main/compute/engine/rng';
import { buildDataset } from '../../src/main/compute/tasks/build';
import { encodeBatch } from '../../src/main/compute/train/data';
import { batchLoss } from '../../src/main/compute/train/metrics';
import { Trainer } from '../../src/main/compute/train/trainer';
import { executionSettings } from '../../src/main/host/execution-settings';
import type { ExecutionSettings } from '../../src/main/protocol/execution';
import { updateLosses } from './in-order';

afterAll(() => tf.disposeVariables());
/** `workers` gradient workers, as GROKSCOPE_WORKERS asks; the MLP kernel where it applies. */
const fixed = (workers: number): ExecutionSettings => ({ threads: { workers }, mlpKernel: true });

function config(model: RunConfigInput['model'], over: Partial<RunConfigInput> = {}): RunConfig {
  return RunConfigSchema.parse({
    seed: 2,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 17, trainFraction: 0.5, encoding: 'power' },
    model,
    optimizer: { lr: 1e-2, weightDecay: 1, warmupSteps: 0 },
    training: { steps: 6 },
    ...over,
  });
}

/** Losses of `steps` updates and the final flat parameters, with `workers` gradient workers. */
async function train(cfg: RunConfig, workers: number, steps: number): Promise<{ losses: number[]; params: Float32Array }> {
  const t = new Trainer(cfg, fixed(workers));
  try {
    const losses = await updateLosses(t, steps);
    const params = Float32Array.from(t.model.params.flatMap((p) => Array.from(p.variable.dataSync())));
    return { losses, params };
  } finally {
    t.dispose();
  }
}

describe('gradient pool', () => {
  for (const [name, model] of [
    ['MLP', { kind: 'mlp', embedDim: 8, width: 32, depth: 2 }],
    ['2-layer transformer', { kind: 'transformer', layers: 2, dModel: 16, heads: 4, dMlp: 32 }],
  ] as const) {
    it(`${name}: 6 full-batch steps over 2 threads equal single-thread training (relative difference < 1e-4)`, async () => {
      await initBackend('wasm');
      const cfg = config(model);
      const one = await train(cfg, 0, 6);
      const two = await train(cfg, 1, 6);
      one.losses.forEach((l, i) => expect(Math.abs(two.losses[i]! - l) / Math.abs(l), `step ${i + 1}`).toBeLessThan(1e-4));
      let diff = 0;
      let norm = 0;
      one.params.forEach((x, i) => {
        diff += (x - two.params[i]!) ** 2;
        norm += x * x;
      });
      expect(Math.sqrt(diff / norm)).toBeLessThan(1e-4);
      expect(one.losses[5]).toBeLessThan(one.losses[0]!); // it trains
    });
  }

  it("records how the step is threaded in the trainer's note (the run's backend notes carry it)", async () => {
    await initBackend('wasm');
    const cfg = config({ kind: 'mlp', embedDim: 8, width: 16, depth: 1 });
    const note = (threads: ExecutionSettings['threads'], c: RunConfig = cfg): string => {
      const t = new Trainer(c, { threads, mlpKernel: true });
      try {
        return t.threadsNote;
      } finally {
        t.dispose();
      }
    };
    expect(note({ cores: 1 })).toBe('training step: one thread (default: 1 core for this run)');
    expect(note({ cores: 2 })).toBe('training step: one thread (default: 144 training rows are too few to split)');
    expect(note({ workers: 0 })).toBe('training step: one thread (GROKSCOPE_WORKERS=0)');
    expect(note({ workers: 1 })).toBe('training step: rows split over 2 threads (1 gradient worker, GROKSCOPE_WORKERS=1)');
    const mini = config({ kind: 'mlp', embedDim: 8, width: 16, depth: 1 }, { training: { steps: 6, batchSize: 16 } });
    expect(note({ workers: 1 }, mini)).toBe('training step: one thread (minibatches are not split over workers)');
  });

  it('a run whose gradient worker cannot start trains on one thread, and its note says why', async () => {
    await initBackend('wasm');
    const cfg = config({ kind: 'mlp', embedDim: 4, width: 8, depth: 1 });
    const t = new Trainer(cfg, fixed(1));
    try {
      expect(t.threadsNote).toBe('training step: rows split over 2 threads (1 gradient worker, GROKSCOPE_WORKERS=1)');
      // the worker's own module cannot load: its 'error' and 'exit' events fail the start at once, not after 120 s
      const pool = (t as unknown as { pool: GradientPool }).pool;
      for (const m of (pool as unknown as { members: { worker: { terminate(): Promise<number> } }[] }).members) void m.worker.terminate();
      const started = performance.now();
      await t.startThreads();
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(t.threadsNote).toMatch(
        /^training step: one thread \(the gradient workers could not start, gradient worker (exited with code \d+ before it started|failed to start)/,
      );
      const losses = [(await t.update(false)).loss, (await t.update(false)).loss];
      expect(losses[1]).toBeLessThan(losses[0]!); // it trains on, on one thread
    } finally {
      t.dispose();
    }
  });

  it('a worker that fails is reported as an error naming why, not a hang', async () => {
    await initBackend('wasm');
    const cfg = config({ kind: 'mlp', embedDim: 4, width: 8, depth: 1 });
    const ds = buildDataset(cfg.task);
    const model = createModel(cfg.model, ds, new Rng(1));
    const vars = model.params.map((p) => p.variable);
    const size = vars.reduce((n, v) => n + v.size, 0);
    // the worker builds its model from this config and fails there; the trainer thread's model is fine
    const bad = { ...cfg, model: { ...cfg.model, width: -1 } } as RunConfig;
    const pool = GradientPool.start(bad, 'wasm', 1, ds.train.size, size, (n) =>
      encodeBatch(
        ds.train,
        ds.seqLen,
        ds.vocabSize,
        ds.numClasses,
        Int32Array.from({ length: n }, (_, i) => i),
      ),
    )!;
    try {
      expect(() =>
        tf.tidy(
          () =>
            pool.valueAndGrads((b) => tf.variableGrads(() => batchLoss('cross-entropy', model.forward(b.input), b.targets), vars), vars)
              .value,
        ),
      ).toThrow(/gradient worker failed to start: Invalid typed array length/);
    } finally {
      pool.dispose();
      tf.dispose(vars);
    }
  });

  it('uses a worker per core beyond the first by default (or GROKSCOPE_WORKERS), for full batches on single-threaded backends', () => {
    const cfg = config({ kind: 'mlp', embedDim: 4, width: 8, depth: 1 });
    expect(chooseWorkers({ ...cfg, training: { ...cfg.training, batchSize: 16 } }, 'wasm', 5000, { cores: 4 }).workers).toBe(0);
    expect(chooseWorkers(cfg, 'tensorflow', 5000, { cores: 4 })).toMatchObject({
      workers: 0,
      why: expect.stringMatching(/threads on its own/),
    });
    expect(chooseWorkers(cfg, 'wasm', 5000, { cores: 2 })).toEqual({ workers: 1, why: 'default: 2 cores for this run' });
    expect(chooseWorkers(cfg, 'wasm', 5000, { cores: 64 })).toEqual({ workers: 7, why: 'default: 64 cores for this run' }); // capped
    expect(chooseWorkers(cfg, 'wasm', 5000, { cores: 1 })).toEqual({ workers: 0, why: 'default: 1 core for this run' });
    expect(chooseWorkers(cfg, 'wasm', 500, { cores: 4 })).toEqual({ workers: 0, why: 'default: 500 training rows are too few to split' });
    expect(() => chooseWorkers(cfg, 'wasm', 5000, { cores: 0 })).toThrow(/cores must be a positive integer/);
    expect(chooseWorkers(cfg, 'wasm', 100, { workers: 2 }).workers).toBe(2);
  });

  it('reads GROKSCOPE_WORKERS and GROKSCOPE_MLP_KERNEL on the host: a fixed thread count, else the cores it is given', () => {
    expect(executionSettings(3, {})).toEqual({ threads: { cores: 3 }, mlpKernel: true });
    expect(executionSettings(3, { GROKSCOPE_WORKERS: '' })).toEqual({ threads: { cores: 3 }, mlpKernel: true });
    const fixedOps = executionSettings(3, { GROKSCOPE_WORKERS: '2', GROKSCOPE_MLP_KERNEL: '0' });
    expect(fixedOps).toEqual({ threads: { workers: 2 }, mlpKernel: false });
    expect(executionSettings(undefined, {}).threads).toEqual({ cores: expect.any(Number) as number });
    const many = () => executionSettings(3, { GROKSCOPE_WORKERS: 'many' });
    expect(many).toThrow(/GROKSCOPE_WORKERS must be a non-negative integer, got "many"/);
  });
});
