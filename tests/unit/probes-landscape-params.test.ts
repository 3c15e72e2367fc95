// The landscape service's parameters, without a compute process: defaults per kind, the checks against the run's
// stored checkpoints (each a clear input error), the trajectory sent for PCA, the range of a raw PCA axis set to the
// trajectory's extent, the grid key, and the reduced landscape's defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectoryPca } from '../../src/shared/analysis/trajectory-pca';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { openStore, type Store } from '../../src/main/store';
import { gridKey } from '../../src/main/services/run-landscape';
import { landscapeParams, pcaRanges, reducedParams } from '../../src/main/services/landscape-params';
import { trajectoryStepsOf } from '../../src/shared/api/landscape-options';
import { OWNER, tempDir } from './store-helpers';
import { trainIntoRuns } from './trained-run-helpers';

const tmp = tempDir('landscape-params');
const config = RunConfigSchema.parse({
  backend: 'cpu',
  task: { kind: 'modular', op: 'add', p: 5, trainFraction: 0.6 },
  model: { kind: 'mlp', width: 6, depth: 1, embedDim: 3, activation: 'tanh' },
  optimizer: { lr: 0.05, weightDecay: 0.1 },
  training: { steps: 50, checkpointEvery: 10 },
});
let store: Store;
let run = 0;
let two = 0;

beforeAll(async () => {
  await initBackend('cpu');
  store = openStore(tmp.file('p.db'));
  const now = new Date().toISOString();
  run = store.runs.insert({ name: 'r', config, createdAt: now, owner: OWNER });
  two = store.runs.insert({ name: 'two checkpoints', config, createdAt: now, owner: OWNER });
  await trainIntoRuns(store, config, [
    { run, at: (s) => s > 0 && s % 10 === 0 },
    { run: two, at: (s) => s === 10 || s === 50 },
  ]);
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('landscapeParams', () => {
  it('defaults: 1d random at the last checkpoint, 51 points in [−1, 1], filter-normalised, 1-D parameters zeroed', () => {
    expect(landscapeParams(store, run, {})).toEqual({
      kind: '1d',
      steps: [50],
      direction: 'random',
      direction2: null,
      normalization: 'filter',
      oneDim: 'zero',
      orthogonalize: false,
      seed: 0,
      range: [-1, 1],
      points: 51,
      range2: null,
      points2: null,
    });
    expect(landscapeParams(store, run, { kind: '2d' })).toMatchObject({ direction2: 'random', points: 41, points2: 41, range2: [-1, 1] });
    // over training: θ* − θ_t at every checkpoint but the final one (where it is zero)
    expect(landscapeParams(store, run, { kind: '1d-training' })).toMatchObject({ direction: 'target', steps: [10, 20, 30, 40] });
    expect(landscapeParams(store, run, { kind: '1d-training', direction: 'random', maxCheckpoints: 3 }).steps).toEqual([10, 30, 50]);
    expect(landscapeParams(store, run, { kind: '2d', direction: 'pca' })).toMatchObject({ direction2: 'pca', normalization: 'raw' });
  });

  it('input errors name the problem', () => {
    expect(() => landscapeParams(store, run, { step: 15 })).toThrow('run 1 has no checkpoint at step 15 (stored: 10, 20, 30, 40, 50)');
    expect(() => landscapeParams(store, run, { direction: 'next' })).toThrow(
      /θ_\{t\+1\} − θ_t direction is zero or missing at the final checkpoint \(step 50\)/,
    );
    expect(() => landscapeParams(store, run, { kind: '1d-training', steps: [10, 50] })).toThrow(/θ\* − θ_t direction is zero or missing/);
    expect(() => landscapeParams(store, run, { kind: '1d-training', step: 10 })).toThrow(/step is not for 1d-training, which takes steps/);
    expect(() => landscapeParams(store, run, { kind: '1d', direction2: 'init' })).toThrow(/direction2 belongs to a 2d surface/);
    expect(() => landscapeParams(store, run, { kind: '2d', direction: 'init', direction2: 'init' })).toThrow(
      /direction2 equals direction \("init"\)/,
    );
    expect(() => landscapeParams(store, two, { kind: '2d', direction: 'pca' })).toThrow(
      /has 2 checkpoint\(s\); the second PCA direction needs at least 4/,
    );
    expect(() => landscapeParams(store, run, { range: [1, 1] })).toThrow(/range must be \[from, to\] with from < to/);
  });

  it('raw PCA axes span the trajectory seen from the centre, plus 10% each side', () => {
    const p = landscapeParams(store, run, { kind: '2d', direction: 'pca', step: 30 });
    pcaRanges(store, run, p, { kind: '2d', direction: 'pca', step: 30 });
    const steps = trajectoryStepsOf([10, 20, 30, 40, 50], p);
    expect(steps).toEqual([10, 20, 30, 40, 50]);
    const thetas = steps.map((s) => Float32Array.from(store.checkpoints.load(run, s)!.params.flatMap((b) => Array.from(b.data))));
    const pca = trajectoryPca(thetas, { components: 2 });
    for (const [k, range] of [p.range, p.range2!].entries()) {
      const xs = pca.projections[k]!.map((x) => x - pca.projections[k]![2]!);
      const lo = Math.min(0, ...xs);
      const hi = Math.max(0, ...xs);
      expect(range[0]).toBeCloseTo(lo - 0.1 * (hi - lo), 2);
      expect(range[1]).toBeCloseTo(hi + 0.1 * (hi - lo), 2);
    }
    // a given range is kept; a filter-normalised PCA direction keeps [−1, 1]
    const given = landscapeParams(store, run, { kind: '2d', direction: 'pca', range: [-2, 2], range2: [-3, 3] });
    pcaRanges(store, run, given, { kind: '2d', direction: 'pca', range: [-2, 2], range2: [-3, 3] });
    expect([given.range, given.range2]).toEqual([
      [-2, 2],
      [-3, 3],
    ]);
    const filt = landscapeParams(store, run, { kind: '2d', direction: 'pca', normalization: 'filter' });
    pcaRanges(store, run, filt, { kind: '2d', direction: 'pca', normalization: 'filter' });
    expect(filt.range).toEqual([-1, 1]);
  });

  it('the grid key follows the parameters', () => {
    const a = landscapeParams(store, run, {});
    expect(gridKey('landscape', a)).toBe(gridKey('landscape', landscapeParams(store, run, {})));
    expect(gridKey('landscape', a)).not.toBe(gridKey('landscape', landscapeParams(store, run, { seed: 1 })));
    expect(gridKey('landscape', a)).toMatch(/^L[0-9a-f]{8}$/);
  });
});

describe('reducedParams', () => {
  it('defaults: seven norms 1/4 … 4, the run’s own r, min(steps, 1000) updates, 50 evaluations', () => {
    expect(reducedParams(config, {})).toEqual({
      scales: [0.25, 0.4, 0.63, 1, 1.59, 2.52, 4],
      axis: 'task.trainFraction',
      values: [0.6],
      steps: 50,
      evalEvery: 1,
      lrScaling: 'fixed',
    });
    // no lrSchedule: the cells keep the run's (and grids stored before the option keep their keys)
    expect(reducedParams(config, { lrSchedule: 'cosine' }).lrSchedule).toBe('cosine');
    const ts = RunConfigSchema.parse({
      task: { kind: 'teacher-student' },
      model: { kind: 'mlp' },
      loss: 'mse',
      training: { steps: 5000 },
    });
    expect(reducedParams(ts, {})).toMatchObject({ axis: 'task.trainSize', values: [100], steps: 1000, evalEvery: 20 });
    const mess = RunConfigSchema.parse({
      task: { kind: 'messiness', messiness: 0.3 },
      model: { kind: 'mlp' },
      loss: 'mse',
      training: { steps: 100 },
    });
    expect(reducedParams(mess, {})).toMatchObject({ axis: 'task.messiness', values: [0.3] });
  });

  it('values the task refuses are input errors before any process starts', () => {
    expect(() => reducedParams(config, { values: [0.5, 1.5] })).toThrow(/task.trainFraction/);
    expect(() => reducedParams(config, { axis: 'task.trainSize' })).toThrow(
      /task "modular" has no task.trainSize; choose axis task.trainFraction/,
    );
  });
});
