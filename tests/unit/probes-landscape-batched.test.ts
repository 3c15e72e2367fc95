// Several landscape points per forward pass (Scorer.scoreMany): on a table task, for cross-entropy and MSE, depth 1
// and 2, cpu and wasm, the shared-first-layer path (engine/mlp-slice) equals scoreAt one point at a time (loss within
// 1e-5 relative, accuracy exactly), also when the batch size does not divide the row; depth 1 against an independent float64 host forward pass; the memory cap chooses the path;
// models without a batched path fall back to one point at a time.
import { beforeEach, describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { makeDirection, type DirectionSources, type Vec } from '../../src/main/compute/probes/landscape/directions';
import { runLandscapeJob } from '../../src/main/compute/probes/landscape/job';
import { Scorer, type PointScore } from '../../src/main/compute/probes/landscape/scorer';
import { Trainer } from '../../src/main/compute/train/trainer';
import type { LandscapeRow } from '../../src/shared/api/landscape-types';
import { buildAnyDataset } from '../../src/main/compute/tasks/build';
import type { SplitData, TaskDataset } from '../../src/main/compute/tasks/dataset';
import { inOrder } from './in-order';

function tableConfig(loss: 'cross-entropy' | 'mse', depth: number, activation: 'relu' | 'tanh' = 'relu'): RunConfig {
  return RunConfigSchema.parse({
    backend: 'cpu',
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5 },
    model: { kind: 'mlp', width: 16, depth, embedDim: 4, activation },
    loss,
    optimizer: { lr: 0.01, weightDecay: 0.1 },
    training: { steps: 10 },
  } satisfies RunConfigInput);
}

/** Two random filter-normalised directions at the scorer's θ_0 (scaled up so that the grid reaches far from it). */
function slice(s: Scorer): { centre: Vec; dirs: Vec[] } {
  const centre = s.theta0;
  const src: DirectionSources = {
    params: s.params,
    final: centre,
    next: null,
    nextStep: null,
    theta0: centre,
    pca: () => {
      throw new Error('random directions only');
    },
  };
  const dirs = [0, 1].map(
    (slot) => makeDirection({ kind: 'random', normalization: 'filter', oneDim: 'zero', seed: 3, slot: slot as 0 | 1 }, centre, 0, src).dir,
  );
  return { centre, dirs: dirs.map((d) => d.map((x) => x.map((v) => 2 * v))) };
}

/** A 2d patch of 7 × 2 points, zeros included (scoreAt skips a zero term, the batch adds it). */
const COEFS: number[][] = [-1, -0.5, 0, 0.25, 0.5, 1, 1.5].flatMap((a) => [
  [a, 0],
  [a, -0.75],
]);

const rel = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);

function expectSame(got: PointScore[], want: PointScore[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, k) => {
    expect(rel(g.train.loss, want[k]!.train.loss)).toBeLessThanOrEqual(1e-5);
    expect(g.train.acc).toBe(want[k]!.train.acc);
    expect(g.val === null).toBe(want[k]!.val === null);
    if (g.val) {
      expect(rel(g.val.loss, want[k]!.val!.loss)).toBeLessThanOrEqual(1e-5);
      expect(g.val.acc).toBe(want[k]!.val!.acc);
    }
  });
}

beforeEach(async () => {
  await initBackend('cpu');
});

describe('scoreMany equals scoreAt one point at a time (MLP, table task)', () => {
  // wasm as well: the landscape runs there, and its kernels differ from cpu's (fused products, bias buffers)
  for (const [loss, depth, backend] of [
    ['cross-entropy', 1, 'cpu'],
    ['cross-entropy', 2, 'cpu'],
    ['mse', 1, 'cpu'],
    ['mse', 2, 'cpu'],
    ['cross-entropy', 1, 'wasm'],
    ['mse', 2, 'wasm'],
  ] as const)
    it(`${loss}, depth ${depth}, ${backend}: passes of 5 over 14 points, train and validation`, async () => {
      await initBackend(backend);
      const s = new Scorer({ ...tableConfig(loss, depth, depth === 2 ? 'tanh' : 'relu'), backend });
      try {
        const { centre, dirs } = slice(s);
        s.setSlice(centre, dirs);
        expect(s.batchPlan(true).path).toBe('shared');
        const want = await inOrder(COEFS, (c) => s.scoreAt(c, true));
        expectSame(await s.scoreMany(COEFS, true, { maxBatch: 5 }), want);
        // the grid is not flat (else equality would prove little)
        expect(Math.max(...want.map((w) => w.train.loss)) / Math.min(...want.map((w) => w.train.loss))).toBeGreaterThan(1.2);
        // training split only, one pass holding every point
        const trainOnly = await s.scoreMany(COEFS, false);
        expect(s.batchLimit(false)).toBeGreaterThanOrEqual(COEFS.length);
        expectSame(trainOnly, await inOrder(COEFS, (c) => s.scoreAt(c, false)));
      } finally {
        s.dispose();
      }
    });

  it('one direction (a 1d slice) and a single point', async () => {
    const s = new Scorer(tableConfig('cross-entropy', 1));
    try {
      const { centre, dirs } = slice(s);
      s.setSlice(centre, [dirs[0]!]);
      const coefs = [[-1], [0], [0.3]];
      const want = await inOrder(coefs, (c) => s.scoreAt(c));
      await s.scoreAt([1.7]);
      const before = s.model.params.map((p) => p.variable.dataSync().slice());
      expectSame(await s.scoreMany(coefs), want);
      // the batched path ran: it forms its points apart from the model's variables, which still hold the point 1.7
      s.model.params.forEach((p, i) => expect(p.variable.dataSync()).toEqual(before[i]));
      expectSame(await s.scoreMany([[0.3]]), [await s.scoreAt([0.3])]);
    } finally {
      s.dispose();
    }
  });
});

/** Mean cross-entropy and accuracy of the embedding + MLP (depth 1, ReLU) at θ, in float64 on the host. */
function hostScore(ds: TaskDataset, names: string[], theta: Float64Array[], split: SplitData, width: number, e: number) {
  const p = (n: string) => theta[names.indexOf(n)]!;
  const [E, W1, b1, W2, b2] = ['embed.weight', 'hidden.0.weight', 'hidden.0.bias', 'out.weight', 'out.bias'].map(p) as Float64Array[];
  const L = ds.seqLen;
  const C = ds.numClasses;
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < split.size; r++) {
    const h = new Float64Array(width);
    for (let j = 0; j < width; j++) {
      let z = b1![j]!;
      for (let i = 0; i < L; i++) {
        const tok = split.tokens[r * L + i]!;
        for (let q = 0; q < e; q++) z += E![tok * e + q]! * W1![(i * e + q) * width + j]!;
      }
      h[j] = Math.max(0, z);
    }
    const logits = Array.from({ length: C }, (_, c) => {
      let z = b2![c]!;
      for (let j = 0; j < width; j++) z += h[j]! * W2![j * C + c]!;
      return z;
    });
    const m = Math.max(...logits);
    const lse = m + Math.log(logits.reduce((a, z) => a + Math.exp(z - m), 0));
    loss += lse - logits[split.targets[r]!]!;
    if (logits.indexOf(m) === split.targets[r]) correct++;
  }
  return { loss: loss / split.size, acc: correct / split.size };
}

describe('scoreMany against an independent reference', () => {
  it('depth 1, cross-entropy: a float64 host forward pass of θ_0 + α·δ + β·η', async () => {
    const config = tableConfig('cross-entropy', 1);
    const s = new Scorer(config);
    try {
      const { centre, dirs } = slice(s);
      s.setSlice(centre, dirs);
      const got = await s.scoreMany(COEFS, true, { maxBatch: 4 });
      const ds = buildAnyDataset(config.task) as TaskDataset;
      const names = s.params.map((q) => q.name);
      COEFS.forEach((c, k) => {
        const theta = centre.map((v, i) => Float64Array.from(v, (x, e) => x + c[0]! * dirs[0]![i]![e]! + c[1]! * dirs[1]![i]![e]!));
        const ref = hostScore(ds, names, theta, ds.train, 16, 4);
        const refVal = hostScore(ds, names, theta, ds.val, 16, 4);
        expect(rel(got[k]!.train.loss, ref.loss)).toBeLessThanOrEqual(1e-4);
        expect(rel(got[k]!.val!.loss, refVal.loss)).toBeLessThanOrEqual(1e-4);
        expect(got[k]!.train.acc).toBe(ref.acc);
        expect(got[k]!.val!.acc).toBe(refVal.acc);
      });
    } finally {
      s.dispose();
    }
  });
});

describe('models without the batched path: one point at a time', () => {
  const others: [string, RunConfigInput][] = [
    [
      'transformer',
      {
        backend: 'cpu',
        task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5 },
        model: { kind: 'transformer', layers: 1, dModel: 8, heads: 2, dMlp: 12, layerNorm: false, tiedEmbedding: false },
        training: { steps: 10 },
      },
    ],
    [
      'dense-input MLP (teacher-student)',
      {
        backend: 'cpu',
        task: { kind: 'teacher-student', inputDim: 3, outputDim: 2, teacherWidth: 6, trainSize: 24, testSize: 16 },
        model: { kind: 'mlp', width: 6, depth: 1, activation: 'tanh' },
        loss: 'mse',
        training: { steps: 10 },
      },
    ],
  ];
  for (const [name, input] of others)
    it(name, async () => {
      const s = new Scorer(RunConfigSchema.parse(input));
      try {
        expect(s.batchLimit(true)).toBe(1);
        const { centre, dirs } = slice(s);
        s.setSlice(centre, dirs);
        const got = await s.scoreMany(COEFS.slice(0, 5));
        const want = await inOrder(COEFS.slice(0, 5), (c) => s.scoreAt(c));
        expect(got).toEqual(want);
      } finally {
        s.dispose();
      }
    });
});

describe('the memory cap chooses the path', () => {
  it('shared while its basis fits in 3/4 of the cap, then one point at a time', async () => {
    const s = new Scorer(tableConfig('cross-entropy', 1));
    try {
      const { centre, dirs } = slice(s);
      s.setSlice(centre, dirs);
      // basis: 9 rows (2 directions) of width 16 for every training and validation row, in float32
      const basis = 4 * 9 * 16 * 121;
      expect(s.batchPlan(true, basis / 0.75 + 1e5).path).toBe('shared');
      expect(s.batchPlan(true, basis / 0.75 - 1)).toEqual({ path: 'one', limit: 1 });
      const want = await inOrder(COEFS.slice(0, 4), (c) => s.scoreAt(c));
      expect(await s.scoreMany(COEFS.slice(0, 4), true, { capBytes: basis / 0.75 - 1 })).toEqual(want);
    } finally {
      s.dispose();
    }
  });
});

describe('the landscape job through scoreMany', () => {
  it('a 2d surface of 7 × 3 points: every value equals scoreAt at that point', async () => {
    const config = tableConfig('cross-entropy', 2, 'tanh');
    const t = new Trainer(config);
    for (let i = 0; i < 5; i++) await t.update(false);
    const checkpoints = [{ step: 5, params: (await t.snapshot()).params }];
    t.dispose();
    const rows = new Map<number, LandscapeRow>();
    const params = {
      kind: '2d' as const,
      steps: [5],
      direction: 'random' as const,
      direction2: 'random' as const,
      normalization: 'filter' as const,
      oneDim: 'zero' as const,
      orthogonalize: false,
      seed: 1,
      range: [-1, 1] as [number, number],
      points: 7,
      range2: [-0.5, 0.5] as [number, number],
      points2: 3,
    };
    const sink = { info: () => {}, progress: () => {}, row: (i: number, r: LandscapeRow) => rows.set(i, r) };
    await runLandscapeJob({ config, params, checkpoints, trajectorySteps: [5], nextSteps: [null], skipRows: [] }, sink, () => false);
    const s = new Scorer(config);
    try {
      const theta = s.vecOf(checkpoints[0]!.params);
      const src: DirectionSources = {
        params: s.params,
        final: theta,
        next: null,
        nextStep: 5,
        theta0: s.theta0,
        pca: () => {
          throw new Error('random only');
        },
      };
      const dirs = [0, 1].map(
        (slot) =>
          makeDirection({ kind: 'random', normalization: 'filter', oneDim: 'zero', seed: 1, slot: slot as 0 | 1 }, theta, 5, src).dir,
      );
      s.setSlice(theta, dirs);
      expect(s.batchPlan(true).path).toBe('shared');
      expect(rows.size).toBe(3);
      for (const [r, row] of rows) {
        const b = -0.5 + 0.5 * r;
        for (const [j, loss] of row.train.loss.entries()) {
          const want = await s.scoreAt([-1 + j / 3, b]);
          expect(rel(loss, want.train.loss)).toBeLessThanOrEqual(1e-5);
          expect(row.train.acc[j]).toBe(want.train.acc);
          expect(rel(row.val.loss[j]!, want.val!.loss)).toBeLessThanOrEqual(1e-5);
          expect(row.val.acc[j]).toBe(want.val!.acc);
        }
      }
    } finally {
      s.dispose();
    }
  });
});

describe('scoreMany: bad input', () => {
  it('before setSlice, and with the wrong number of coefficients', async () => {
    const s = new Scorer(tableConfig('cross-entropy', 1));
    try {
      await expect(s.scoreMany([[0, 0]])).rejects.toThrow(/before setSlice/);
      const { centre, dirs } = slice(s);
      s.setSlice(centre, dirs);
      await expect(s.scoreMany([[0, 0], [1]])).rejects.toThrow(/1 coefficients for a slice of 2 directions/);
    } finally {
      s.dispose();
    }
  });
});
