// Landscape rows and reduced-landscape cells spread over grid worker threads (compute/probes/grid/pool): the grid on
// three threads equals the one-thread grid exactly (every value), for a model evaluated one point at a time (a
// transformer) and one with the batched path (an MLP); cancel stops a threaded grid; the stored rows of a resumed
// grid are not recomputed; and how many workers a grid gets.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LandscapeParams, LandscapeRow, ReducedCell, ReducedParams } from '../../src/shared/api/landscape-types';
import { RunConfigSchema, type RunConfig } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { chooseGridWorkers } from '../../src/main/compute/probes/grid/pool';
import { GridCancelled, runLandscapeJob } from '../../src/main/compute/probes/landscape/job';
import { runReducedJob } from '../../src/main/compute/probes/reduced/job';
import { runProbe } from '../../src/main/compute/probes/run-probe';
import { Trainer } from '../../src/main/compute/train/trainer';
import type { ExecutionSettings } from '../../src/main/protocol/execution';
import type { LandscapeCheckpoint, ProbeRequest, ProbeResultPoint } from '../../src/main/protocol/jobs';

const THREE: ExecutionSettings = { threads: { workers: 2 }, mlpKernel: true };
const ONE: ExecutionSettings = { threads: { workers: 0 }, mlpKernel: true };

const transformer = RunConfigSchema.parse({
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5, encoding: 'three-token' },
  model: { kind: 'transformer', layers: 1, dModel: 8, heads: 2, dMlp: 8 },
  optimizer: { lr: 0.01, weightDecay: 0.1 },
  training: { steps: 4 },
});

const mlp = RunConfigSchema.parse({
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.6 },
  model: { kind: 'mlp', width: 12, depth: 1, embedDim: 4, activation: 'tanh' },
  optimizer: { lr: 0.01, weightDecay: 0.1 },
  training: { steps: 4 },
});

/** The checkpoints at steps 0 and 4 (or at every step up to `last`). */
async function checkpoints(config: RunConfig, every = false, last = 4): Promise<LandscapeCheckpoint[]> {
  const t = new Trainer(config);
  const out = [{ step: 0, params: (await t.snapshot()).params }];
  while (t.step < last) {
    await t.update(false);
    if (every || t.step === last) out.push({ step: t.step, params: (await t.snapshot()).params });
  }
  t.dispose();
  return out;
}

const surface = (points: number): LandscapeParams => ({
  kind: '2d',
  steps: [4],
  direction: 'random',
  direction2: 'random',
  normalization: 'filter',
  oneDim: 'zero',
  orthogonalize: false,
  seed: 0,
  range: [-1, 1],
  points,
  range2: [-1, 1],
  points2: points,
});

async function grid(
  config: RunConfig,
  cps: LandscapeCheckpoint[],
  p: LandscapeParams,
  execution: ExecutionSettings,
  o: { skipRows?: number[]; cancelAfter?: number; rows?: Map<number, LandscapeRow> } = {},
) {
  const rows = o.rows ?? new Map<number, LandscapeRow>();
  let info: unknown = null;
  let progress = '';
  const slow = slowFor(execution);
  const counts = await runLandscapeJob(
    { config, params: p, checkpoints: cps, trajectorySteps: [0, 4], nextSteps: [null], skipRows: o.skipRows ?? [], execution },
    {
      info: (i) => (info = i),
      progress: (_d, _t, m) => (progress ||= m),
      row: (i, r) => {
        expect(info).not.toBeNull(); // rows come after the info, even those a worker finished first
        rows.set(i, r);
      },
    },
    () => slow(rows.size >= (o.cancelAfter ?? Infinity)),
  );
  return { rows, info, progress, counts };
}

/**
 * The job's thread asks 'cancelled?' before each of its units: with workers, blocking it there for the grid's first
 * seconds makes it slow enough that the workers (a second or two to start from source) take part even in a small grid.
 */
function slowFor(execution: ExecutionSettings): <T>(x: T) => T {
  const until = performance.now() + 8000;
  return (x) => {
    if ('workers' in execution.threads && execution.threads.workers > 0 && performance.now() < until)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
    return x;
  };
}

const sorted = (rows: Map<number, LandscapeRow>) => [...rows.entries()].sort((a, b) => a[0] - b[0]);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('a landscape grid over worker threads', () => {
  let cps: LandscapeCheckpoint[];
  beforeAll(async () => {
    cps = await checkpoints(transformer);
  });

  it('equals the one-thread grid exactly: a transformer (one point at a time)', async () => {
    const p = { ...surface(4), points2: 24 };
    const one = await grid(transformer, cps, p, ONE);
    const three = await grid(transformer, cps, p, THREE);
    expect(one.counts).toEqual({ local: 24, workers: 0 });
    expect(three.counts.workers).toBeGreaterThan(0);
    expect(three.progress).toMatch(/on 3 threads/);
    expect(one.progress).not.toMatch(/threads/);
    expect(sorted(three.rows)).toEqual(sorted(one.rows));
    expect(three.info).toEqual(one.info);
  });

  it('equals the one-thread grid exactly: an MLP (several points per pass)', async () => {
    const mcps = await checkpoints(mlp);
    const p = { ...surface(9), points2: 24 };
    const one = await grid(mlp, mcps, p, ONE);
    const three = await grid(mlp, mcps, p, THREE);
    expect(three.counts.workers).toBeGreaterThan(0);
    expect(sorted(three.rows)).toEqual(sorted(one.rows));
  });

  it('skips the stored rows of a resumed grid; the others equal the full grid', async () => {
    const p = { ...surface(3), points2: 30 };
    const skipRows = Array.from({ length: 15 }, (_, i) => 2 * i);
    const full = await grid(transformer, cps, p, ONE);
    const resumed = await grid(transformer, cps, p, THREE, { skipRows });
    expect(resumed.counts.workers).toBeGreaterThan(0);
    expect([...resumed.rows.keys()].sort((a, b) => a - b)).toEqual(skipRows.map((r) => r + 1));
    for (const [i, row] of resumed.rows) expect(row).toEqual(full.rows.get(i));
  });

  it('cancel stops it: the rows finished so far were sent, and no more come after', async () => {
    const rows = new Map<number, LandscapeRow>();
    await expect(grid(transformer, cps, { ...surface(3), points2: 200 }, THREE, { cancelAfter: 3, rows })).rejects.toBeInstanceOf(
      GridCancelled,
    );
    const sent = rows.size;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(sent).toBeLessThan(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(rows.size).toBe(sent);
  });
});

describe('a reduced landscape over worker threads', () => {
  it('equals the one-thread grid exactly, cell by cell', async () => {
    const config = RunConfigSchema.parse({
      seed: 0,
      backend: 'wasm',
      task: { kind: 'teacher-student', inputDim: 3, outputDim: 2, teacherWidth: 6, trainSize: 24, testSize: 16 },
      model: { kind: 'mlp', width: 6, depth: 1, activation: 'tanh' },
      loss: 'mse',
      optimizer: { lr: 0.01, weightDecay: 0 },
      training: { steps: 20 },
    });
    const p: ReducedParams = {
      scales: [0.5, 1, 2, 4],
      axis: 'task.trainSize',
      values: [8, 12, 16, 24],
      steps: 8,
      evalEvery: 4,
      lrScaling: 'fixed',
    };
    const run = async (execution: ExecutionSettings) => {
      const cells = new Map<string, Omit<ReducedCell, 'seconds'>>();
      let w0 = NaN;
      const slow = slowFor(execution);
      const counts = await runReducedJob(
        { config, params: p, skip: [[0, 1]], execution },
        { info: (i) => (w0 = i.w0), progress: () => {}, cell: (v, s, { seconds: _, ...c }) => cells.set(`${v},${s}`, c) },
        () => slow(false),
      );
      return { cells: [...cells.entries()].sort(), w0, counts };
    };
    const one = await run(ONE);
    const three = await run(THREE);
    expect(one.cells).toHaveLength(15);
    expect(three.counts.workers).toBeGreaterThan(0);
    expect({ ...three, counts: null }).toEqual({ ...one, counts: null });
  });
});

describe('probes over worker threads', () => {
  it('the Hessian and the intrinsic dimension at each checkpoint equal the one-thread values exactly', async () => {
    const cps = await checkpoints(mlp, true, 7);
    const probe = async (base: ProbeRequest, execution: ExecutionSettings) => {
      const points: ProbeResultPoint[] = [];
      const slow = slowFor(execution);
      const counts = await runProbe({ ...base, execution }, { info: () => {}, progress: () => {}, point: (p) => points.push(p) }, () =>
        slow(false),
      );
      if (execution !== ONE) expect(counts.workers).toBeGreaterThan(0);
      const stepOf = (p: ProbeResultPoint) => (p.kind === 'hessian' ? p.point.step : p.step);
      // a Hessian point carries its own time
      return points.sort((a, b) => stepOf(a) - stepOf(b)).map((p) => (p.kind === 'hessian' ? { ...p.point, seconds: 0 } : p));
    };
    const hessian: ProbeRequest = { kind: 'hessian', config: mlp, checkpoints: cps, excludeOneDim: false, maxIter: 8, tol: 1e-3 };
    const oneH = await probe(hessian, ONE);
    expect(oneH).toHaveLength(8);
    expect(await probe(hessian, THREE)).toEqual(oneH);
    const id: ProbeRequest = { kind: 'id', config: mlp, checkpoints: cps, maxPoints: 30 };
    const oneId = await probe(id, ONE);
    expect(await probe(id, THREE)).toEqual(oneId);
  });
});

describe('chooseGridWorkers', () => {
  it('one per core beyond the first by default, GROKSCOPE_WORKERS when set, never more than the units left over', () => {
    expect(chooseGridWorkers({ cores: 2 }, 'wasm', 41).workers).toBe(1);
    expect(chooseGridWorkers({ cores: 32 }, 'wasm', 41).workers).toBe(7);
    expect(chooseGridWorkers({ cores: 4 }, 'cpu', 2).workers).toBe(1);
    expect(chooseGridWorkers({ cores: 4 }, 'wasm', 1).workers).toBe(0);
    expect(chooseGridWorkers({ workers: 3 }, 'wasm', 41)).toEqual({ workers: 3, why: 'GROKSCOPE_WORKERS=3' });
    expect(chooseGridWorkers({ workers: 0 }, 'wasm', 41).workers).toBe(0);
    expect(chooseGridWorkers({ cores: 8 }, 'tensorflow', 41).workers).toBe(0);
    expect(chooseGridWorkers({ cores: 8 }, 'webgpu', 41).workers).toBe(0);
    expect(tf.getBackend()).toBe('wasm');
  });
});
