// The landscape grid (compute side), in this process: the value at α = 0 of every slice and the centre of every
// surface equal the loss and accuracy the training code measured at that checkpoint (Trainer.evaluate), on a table
// task and an Omnigrok sample task; raw target and init directions reach θ* and θ_0 at α = 1; a closed form (a
// direction moving only the output bias: L(α) is exactly quadratic under MSE with curvature Σd²/C, and constant under
// cross-entropy for a uniform shift); cancel; and the skipped rows of a resumed grid.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LandscapeParams, LandscapeRow } from '../../src/shared/api/landscape-types';
import { trajectoryPca } from '../../src/shared/analysis/trajectory-pca';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { GridCancelled, runLandscapeJob } from '../../src/main/compute/probes/landscape/job';
import type { LandscapeCheckpoint, LandscapeJob } from '../../src/main/protocol/jobs';
import { Scorer } from '../../src/main/compute/probes/landscape/scorer';
import { Trainer } from '../../src/main/compute/train/trainer';
import { inOrder } from './in-order';

const tableConfig = RunConfigSchema.parse({
  backend: 'cpu',
  task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.6 },
  model: { kind: 'mlp', width: 12, depth: 1, embedDim: 4, activation: 'tanh' },
  optimizer: { lr: 0.01, weightDecay: 0.1 },
  init: { scale: 1.5 },
  training: { steps: 40 },
});

const sampleConfig = RunConfigSchema.parse({
  backend: 'cpu',
  task: { kind: 'teacher-student', inputDim: 3, outputDim: 2, teacherWidth: 6, trainSize: 24, testSize: 16 },
  model: { kind: 'mlp', width: 6, depth: 1, activation: 'tanh' },
  loss: 'mse',
  optimizer: { lr: 0.01, weightDecay: 0 },
  training: { steps: 20 },
} satisfies RunConfigInput);

interface Trained {
  checkpoints: LandscapeCheckpoint[];
  /** Trainer.evaluate's rows by step */
  metrics: Map<number, Record<string, number>>;
}

/** Trains `config`, keeping a checkpoint and the training code's measurements at each of `at`. */
async function train(config: RunConfig, at: number[]): Promise<Trained> {
  const t = new Trainer(config);
  const out: Trained = { checkpoints: [], metrics: new Map() };
  const keep = async () => {
    out.checkpoints.push({ step: t.step, params: (await t.snapshot()).params });
    out.metrics.set(t.step, Object.fromEntries((await t.evaluate(null)).map(([n, , v]) => [n, v])));
  };
  if (at.includes(0)) await keep();
  while (t.step < Math.max(...at)) {
    await t.update(false);
    if (at.includes(t.step)) await keep();
  }
  t.dispose();
  return out;
}

function params(p: Partial<LandscapeParams> & Pick<LandscapeParams, 'kind' | 'steps'>): LandscapeParams {
  return {
    direction: 'random',
    direction2: p.kind === '2d' ? 'random' : null,
    normalization: 'filter',
    oneDim: 'zero',
    orthogonalize: false,
    seed: 0,
    range: [-1, 1],
    points: 5,
    range2: p.kind === '2d' ? [-1, 1] : null,
    points2: p.kind === '2d' ? 5 : null,
    ...p,
  };
}

async function grid(config: RunConfig, tr: Trained, p: LandscapeParams, skipRows: number[] = [], cancelAfter = Infinity) {
  const rows = new Map<number, LandscapeRow>();
  let info: Parameters<Parameters<typeof runLandscapeJob>[1]['info']>[0] | null = null;
  const steps = tr.checkpoints.map((c) => c.step);
  const job: LandscapeJob = {
    config,
    params: p,
    checkpoints: tr.checkpoints,
    trajectorySteps: steps,
    nextSteps: p.steps.map((s) => steps[steps.indexOf(s) + 1] ?? null),
    skipRows,
  };
  await runLandscapeJob(
    job,
    { info: (i) => (info = i), progress: () => {}, row: (i, r) => rows.set(i, r) },
    () => rows.size >= cancelAfter,
  );
  return { rows, info: info! };
}

const close = (got: number, want: number, rel = 1e-5) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));

beforeAll(async () => {
  await initBackend('cpu');
});

describe('landscape at α = 0 equals the training code at the checkpoint', () => {
  let tr: Trained;
  beforeAll(async () => {
    tr = await train(tableConfig, [0, 20, 40]);
  });

  it('1d slice (random, filter-normalised): centre = train/val loss and accuracy of Trainer.evaluate', async () => {
    const { rows, info } = await grid(tableConfig, tr, params({ kind: '1d', steps: [20] }));
    const r = rows.get(0)!;
    const m = tr.metrics.get(20)!;
    close(r.train.loss[2]!, m['train_loss']!);
    close(r.val.loss[2]!, m['val_loss']!);
    expect(r.train.acc[2]).toBe(m['train_acc']);
    expect(r.val.acc[2]).toBe(m['val_acc']);
    // away from the centre the loss changes
    expect(r.train.loss[0]).not.toBeCloseTo(r.train.loss[2]!, 3);
    expect(info.directions[0]!.label).toMatch(/random Gaussian \(seed 0\) \(filter-normalised/);
    expect(info.trajectory).toBeNull();
  });

  it("splits 'train': the same training values, no validation pass", async () => {
    const both = await grid(tableConfig, tr, params({ kind: '1d', steps: [20] }));
    const only = await grid(tableConfig, tr, params({ kind: '1d', steps: [20], splits: 'train' }));
    expect(only.rows.get(0)!.train).toEqual(both.rows.get(0)!.train);
    expect(only.rows.get(0)!.val).toEqual({ loss: [], acc: [] });
  });

  it('1d over training: every row at α = 0 is its own checkpoint; raw θ* − θ_t reaches θ* at α = 1', async () => {
    const { rows } = await grid(
      tableConfig,
      tr,
      params({ kind: '1d-training', steps: [0, 20], direction: 'target', normalization: 'raw', range: [0, 1], points: 3 }),
    );
    for (const [i, step] of [0, 20].entries()) {
      const r = rows.get(i)!;
      expect(r.step).toBe(step);
      close(r.train.loss[0]!, tr.metrics.get(step)!['train_loss']!);
      close(r.val.loss[0]!, tr.metrics.get(step)!['val_loss']!);
      close(r.train.loss[2]!, tr.metrics.get(40)!['train_loss']!, 1e-4);
      close(r.val.loss[2]!, tr.metrics.get(40)!['val_loss']!, 1e-4);
    }
  });

  it('raw θ_0 − θ_t reaches the initialisation (rebuilt from the seed and init.scale) at α = 1', async () => {
    const { rows } = await grid(
      tableConfig,
      tr,
      params({ kind: '1d', steps: [40], direction: 'init', normalization: 'raw', range: [0, 1], points: 2 }),
    );
    close(rows.get(0)!.train.loss[1]!, tr.metrics.get(0)!['train_loss']!, 1e-4);
    close(rows.get(0)!.val.loss[1]!, tr.metrics.get(0)!['val_loss']!, 1e-4);
  });

  it('2d surface: the centre is the checkpoint; the trajectory on the plane carries the true losses', async () => {
    const { rows, info } = await grid(tableConfig, tr, params({ kind: '2d', steps: [20], orthogonalize: true }));
    expect(rows.size).toBe(5);
    const centre = rows.get(2)!;
    expect(centre.beta).toBe(0);
    close(centre.train.loss[2]!, tr.metrics.get(20)!['train_loss']!);
    close(centre.val.loss[2]!, tr.metrics.get(20)!['val_loss']!);
    const t = info.trajectory!;
    expect(t.steps).toEqual([0, 20, 40]);
    t.steps.forEach((s, k) => {
      close(t.trainLoss[k]!, tr.metrics.get(s)!['train_loss']!);
      close(t.valAcc[k]!, tr.metrics.get(s)!['val_acc']!);
    });
    // the centre projects to the origin, on the plane; random directions leave other checkpoints mostly off it
    expect(t.alpha[1]).toBe(0);
    expect(t.offPlane[1]).toBe(0);
    expect(t.offPlane[0]).toBeGreaterThan(0.5);
    expect(info.directions[1]!.label).toMatch(/orthogonalised/);
  });

  it('2d on the PCA plane (raw unit directions): the trajectory coordinates are the PCA projections of 000 App. B.2', async () => {
    const tr5 = await train(tableConfig, [0, 10, 20, 30, 40]);
    const { rows, info } = await grid(
      tableConfig,
      tr5,
      params({ kind: '2d', steps: [40], direction: 'pca', direction2: 'pca', normalization: 'raw', points: 3, points2: 3 }),
    );
    close(rows.get(1)!.train.loss[1]!, tr5.metrics.get(40)!['train_loss']!);
    expect(info.directions[0]!.norm).toBeCloseTo(1, 4);
    expect(info.directions[0]!.label).toMatch(/^PC1 of 5 checkpoints/);
    expect(info.directions[1]!.label).toMatch(/^PC2/);
    // the same PCA done directly on the flat checkpoints: α(t) = ⟨θ_t − θ_T, u_1⟩, β(t) = ⟨θ_t − θ_T, u_2⟩
    const flat = tr5.checkpoints.map((c) => Float32Array.from(c.params.flatMap((b) => Array.from(b.data))));
    const ref = trajectoryPca(flat, { components: 2 });
    info.trajectory!.alpha.forEach((a, k) => close(a, ref.projections[0]![k]!, 1e-4));
    info.trajectory!.beta.forEach((b, k) => close(b, ref.projections[1]![k]!, 1e-4));
  });

  it('cancel stops between rows (finished rows were sent); skipped rows are not recomputed', async () => {
    const p = params({ kind: '2d', steps: [20] });
    await expect(grid(tableConfig, tr, p, [], 2)).rejects.toBeInstanceOf(GridCancelled);
    const resumed = await grid(tableConfig, tr, p, [0, 1]);
    expect([...resumed.rows.keys()].sort()).toEqual([2, 3, 4]);
    const full = await grid(tableConfig, tr, p);
    for (const i of [2, 3, 4]) expect(resumed.rows.get(i)).toEqual(full.rows.get(i));
  });
});

describe('sample tasks (teacher-student, MSE)', () => {
  it('the centre of a 1d slice equals Trainer.evaluate (β-threshold accuracy included)', async () => {
    const tr = await train(sampleConfig, [0, 20]);
    const { rows } = await grid(sampleConfig, tr, params({ kind: '1d', steps: [20], oneDim: 'per-scalar' }));
    const r = rows.get(0)!;
    close(r.train.loss[2]!, tr.metrics.get(20)!['train_loss']!);
    close(r.val.loss[2]!, tr.metrics.get(20)!['val_loss']!);
    expect(r.train.acc[2]).toBe(tr.metrics.get(20)!['train_acc']);
  });
});

describe('closed form: a direction that moves only the output bias', () => {
  /** Loss along d = c on out.bias (zero elsewhere) at the given α. */
  async function slice(config: RunConfig, c: (k: number) => number, alphas: number[]) {
    const tr = await train(config, [10]);
    const before = tf.memory().numTensors;
    const s = new Scorer(config);
    try {
      const centre = s.vecOf(tr.checkpoints[0]!.params);
      const dir = s.params.map((p) => {
        const out = new Float32Array(p.shape.reduce((a, b) => a * b, 1));
        if (p.name === 'out.bias') out.forEach((_, k) => (out[k] = c(k)));
        return out;
      });
      s.setSlice(centre, [dir]);
      const classes = s.params.find((p) => p.name === 'out.bias')!.shape[0]!;
      return {
        classes,
        loss: (await inOrder(alphas, (a) => s.scoreAt([a]))).map((p) => p.train.loss),
        dir: dir.find((_, i) => s.params[i]!.name === 'out.bias')!,
      };
    } finally {
      s.dispose();
      expect(tf.memory().numTensors).toBe(before); // no tensor leaks
    }
  }

  it('MSE: L(α) = L0 + bα + (Σd²/C)α², checked on 7 points (second differences and the fitted curvature)', async () => {
    const mse = RunConfigSchema.parse({ ...tableConfig, loss: 'mse' });
    const alphas = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
    const { classes, loss, dir } = await slice(mse, (k) => Math.sin(k + 1), alphas);
    const curvature = dir.reduce((a, x) => a + x * x, 0) / classes;
    const h = 0.5;
    for (let i = 1; i < alphas.length - 1; i++) {
      const second = (loss[i + 1]! - 2 * loss[i]! + loss[i - 1]!) / (h * h);
      expect(second).toBeCloseTo(2 * curvature, 3);
    }
  });

  it('cross-entropy: shifting every logit by the same amount leaves the loss unchanged', async () => {
    const { loss } = await slice(tableConfig, () => 0.7, [-2, 0, 3]);
    close(loss[0]!, loss[1]!, 1e-5);
    close(loss[2]!, loss[1]!, 1e-5);
  });
});
