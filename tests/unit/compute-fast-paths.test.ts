// Which fast path each model gets (engine/fast-paths, looked up by model kind), and the DataSource of each task
// family (train/data-source): the same sizes, encodings and evaluation whichever family the run has.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { fastForward, hostGradsFor, sliceForwardFor } from '../../src/main/compute/engine/fast-paths';
import { createModel, referenceModel } from '../../src/main/compute/models/create';
import { Rng } from '../../src/main/compute/engine/rng';
import { buildAnyDataset } from '../../src/main/compute/tasks/build';
import { dataSourceOf } from '../../src/main/compute/train/data-source';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const modular = { kind: 'modular', p: 7, op: 'add', trainFraction: 0.5 } as const;
const teacher = { kind: 'teacher-student', trainSize: 20, testSize: 10, inputDim: 5, outputDim: 3 } as const;
const config = (task: RunConfigInput['task'], model: RunConfigInput['model']) => {
  const loss = task.kind === 'modular' ? 'cross-entropy' : 'mse'; // teacher-student is a regression
  return RunConfigSchema.parse({ task, model, loss, optimizer: { kind: 'adamw', lr: 1e-3 }, training: { steps: 1 } });
};
const transformer = { kind: 'transformer', layers: 1, dModel: 8, heads: 2, dMlp: 8 } as const;
const mlp = (activation: 'relu' | 'tanh') => ({ kind: 'mlp', embedDim: 4, width: 8, depth: 1, activation }) as const;

describe('fast paths by model kind', () => {
  const cases: [string, RunConfigInput['task'], RunConfigInput['model'], { forward: boolean; kernel: boolean; slice: boolean }][] = [
    ['transformer', modular, transformer, { forward: true, kernel: false, slice: false }],
    ['token MLP, ReLU', modular, mlp('relu'), { forward: true, kernel: true, slice: true }],
    ['token MLP, tanh', modular, mlp('tanh'), { forward: true, kernel: false, slice: true }],
    ['dense-input MLP', teacher, mlp('relu'), { forward: false, kernel: false, slice: false }],
  ];
  for (const [name, task, m, want] of cases)
    it(`${name}: forward ${want.forward}, wasm kernel ${want.kernel}, slice ${want.slice}`, () => {
      const cfg = config(task, m);
      const ds = buildAnyDataset(cfg.task);
      const ref = referenceModel(cfg.model, ds, new Rng(1));
      expect(fastForward(ref) !== null).toBe(want.forward);
      expect(hostGradsFor(ref, 'wasm') !== null).toBe(want.kernel);
      expect(hostGradsFor(ref, 'cpu')).toBeNull();
      expect(sliceForwardFor(ref) !== null).toBe(want.slice);
      tf.dispose(ref.params.map((p) => p.variable));
    });
});

describe('DataSource', () => {
  for (const [name, task, tokens] of [
    ['equation table', modular, true],
    ['dense samples', teacher, false],
  ] as const)
    it(`${name}: sizes, cached splits, encoded rows and the evaluation over them`, async () => {
      const cfg = config(task, mlp('tanh'));
      const ds = buildAnyDataset(cfg.task);
      const data = dataSourceOf(ds);
      const model = createModel(cfg.model, ds, new Rng(2));
      expect(data.equationTable).toBe(tokens);
      expect(data.evaluateMany !== undefined).toBe(tokens);
      expect(data.size('train')).toBe(ds.train.size);
      expect(data.size('val')).toBe(ds.val.size);
      expect(data.floatsPerRow('train')).toBe(tokens ? ds.seqLen * ds.vocabSize : 5);
      const cached = data.cached('train')!;
      expect(cached.labels.shape).toEqual([ds.train.size]);
      expect(data.cached('train')).toBe(cached); // encoded once
      const rows = data.encode('train', Int32Array.from([2, 0]));
      expect(rows.input.batch).toBe(2);
      expect(Array.from(rows.labels.dataSync())).toEqual([cached.labels.dataSync()[2], cached.labels.dataSync()[0]]);
      data.release(rows);
      const score = await data.evaluate(model, 'val', cfg.loss);
      expect(Number.isFinite(score.loss)).toBe(true);
      expect(score.acc).toBeGreaterThanOrEqual(0);
      data.dispose();
      tf.dispose(model.params.map((p) => p.variable));
    });
});
