// 003 §5.1's trainable representation (messiness with trainRepresentation): the model is Dec(E_i + E_j) with R a
// parameter starting at the task's messy R, learning at η_R beside the decoder at η_D. Checked against independent
// computations: the forward against the frozen-R model with the same decoder, R's gradient against the input
// gradient of that model summed per symbol and against central finite differences, the grouped optimiser against
// one optimiser per group; and the config checks, α, checkpoints and the linearity measure.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { representationLinearity } from '../../src/shared/analysis/representation-linearity';
import { cellConfig } from '../../src/shared/config/reduced-cell';
import { MessinessTaskSchema, OptimizerSchema, RunConfigSchema, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { Rng } from '../../src/main/compute/engine/rng';
import { referenceModel } from '../../src/main/compute/models/create';
import type { Param } from '../../src/main/compute/models/layers';
import { createOptimizer } from '../../src/main/compute/optim/create';
import { buildMessinessDataset, messyRepresentation } from '../../src/main/compute/tasks/messiness';
import { disposeSampleBatch, encodeSamples, type SampleInput } from '../../src/main/compute/tasks/sample-tensors';
import type { SampleDataset } from '../../src/main/compute/tasks/samples';
import { Trainer } from '../../src/main/compute/train/trainer';

beforeAll(async () => {
  await initBackend('cpu');
});

const MLP = { kind: 'mlp', width: 16, depth: 2, activation: 'tanh' } as const; // tanh: smooth, for finite differences
const task = (trainRepresentation: boolean) =>
  MessinessTaskSchema.parse({
    kind: 'messiness',
    p: 6,
    messiness: 0.7,
    reprDim: 2,
    templateDim: 5,
    trainFraction: 0.5,
    trainRepresentation,
  });
const mse = (out: tf.Tensor2D, y: tf.Tensor2D) => tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
const modelOf = (ds: SampleDataset) => referenceModel({ ...MLP, embedDim: 8 }, ds, new Rng(3));

describe('the representation model Dec(E_i + E_j)', () => {
  const trainable = buildMessinessDataset(task(true));
  const frozen = buildMessinessDataset(task(false));

  it('starts at the messy R and computes what the frozen-R model computes with the same decoder', () => {
    expect(trainable.input).toBe('tokens');
    expect(Array.from(trainable.representation!)).toEqual(Array.from(messyRepresentation(6, 2, 0.7, 0)));
    const a = modelOf(trainable);
    const b = modelOf(frozen);
    const repr = a.params.find((p) => p.name === 'repr.weight')!;
    expect(repr.group).toBe('representation');
    expect(a.params.filter((p) => p !== repr).map((p) => p.name)).toEqual(b.params.map((p) => p.name));
    const ta = encodeSamples(trainable.train, null);
    const tb = encodeSamples(frozen.train, null);
    const ya = a.forward(ta.input).arraySync();
    const yb = b.forward(tb.input).arraySync();
    ya.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(yb[r]![c]!, 5)));
    disposeSampleBatch(ta);
    disposeSampleBatch(tb);
  });

  it("R's gradient is the input gradient of the frozen model summed per symbol, and matches finite differences", () => {
    const a = modelOf(trainable);
    const b = modelOf(frozen);
    const repr = a.params.find((p) => p.name === 'repr.weight')!.variable;
    const ta = encodeSamples(trainable.train, null);
    const tb = encodeSamples(frozen.train, null);
    const loss = () => mse(a.forward(ta.input), ta.targets);
    const { grads } = tf.variableGrads(loss, [repr]);
    const g = Array.from(grads[repr.name]!.dataSync());
    // independent: dL/dx for the frozen model's inputs x = E_i + E_j, then dL/dE_s = Σ over rows holding s of dL/dx
    const withRows = (x: tf.Tensor): SampleInput => ({ ...tb.input, features: x as tf.Tensor2D });
    const dx = tf.grad((x: tf.Tensor) => mse(b.forward(withRows(x)), tb.targets))(tb.input.features!);
    const dxRows = dx.arraySync() as number[][];
    const ids = (trainable.train.inputs as { ids: Int32Array }).ids;
    const want = new Float64Array(6 * 2);
    dxRows.forEach((row, r) => {
      for (const s of [ids[2 * r]!, ids[2 * r + 1]!]) row.forEach((v, d) => (want[s * 2 + d] = want[s * 2 + d]! + v));
    });
    g.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 5));
    // central differences on every entry of R (float32: h = 1e-2, tolerance 2% of the largest entry)
    const R0 = repr.dataSync().slice();
    const h = 1e-2;
    const scale = Math.max(...g.map(Math.abs));
    for (let k = 0; k < R0.length; k++) {
      const at = (delta: number) => {
        const R = R0.slice();
        R[k] = R[k]! + delta;
        repr.assign(tf.tensor(R, repr.shape));
        return tf.tidy(() => loss().dataSync()[0]!);
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(fd - g[k]!)).toBeLessThan(0.02 * scale);
    }
    disposeSampleBatch(ta);
    disposeSampleBatch(tb);
  });
});

describe('a learning rate and weight decay of its own (optimizer.reprLr, reprWeightDecay)', () => {
  const param = (name: string, values: number[], group?: Param['group']): Param => ({
    name,
    variable: tf.variable(tf.tensor1d(values)),
    ...(group ? { group } : {}),
  });
  const grads = [
    [0.3, -0.2, 0.5],
    [-0.4, 0.1],
  ];
  const trajectory = (kind: 'adamw' | 'adam' | 'sgd', mode: 'decoupled' | 'l2') => {
    const cfg = (o: object) => OptimizerSchema.parse({ kind, weightDecayMode: mode, warmupSteps: 0, ...o });
    const dec = [0.5, -1, 2];
    const rep = [1.5, 0.25];
    // grouped: the decoder at lr 1e-2 and λ 0.5, the representation at 5e-2 and λ 0.1
    const grouped = [param('w', dec), param('R', rep, 'representation')];
    const opt = createOptimizer(grouped, cfg({ lr: 1e-2, weightDecay: 0.5, reprLr: 5e-2, reprWeightDecay: 0.1 }));
    // reference: one optimiser per group, each with its own lr and λ
    const w = [param('w', dec)];
    const R = [param('R', rep)];
    const optW = createOptimizer(w, cfg({ lr: 1e-2, weightDecay: 0.5 }));
    const optR = createOptimizer(R, cfg({ lr: 5e-2, weightDecay: 0.1 }));
    for (let t = 0; t < 5; t++) {
      const gs = grads.map((g) => tf.tensor1d(g.map((x) => x * (1 + t))));
      opt.step(gs, 1e-2);
      optW.step([gs[0]!], 1e-2);
      optR.step([gs[1]!], 5e-2);
      tf.dispose(gs);
    }
    const got = grouped.map((p) => Array.from(p.variable.dataSync()));
    const want = [...w, ...R].map((p) => Array.from(p.variable.dataSync()));
    return { got, want };
  };

  for (const [kind, mode] of [
    ['adamw', 'decoupled'],
    ['adam', 'l2'],
    ['sgd', 'decoupled'],
    ['sgd', 'l2'],
  ] as const)
    it(`${kind} (${mode}) with groups moves each group as its own optimiser would`, () => {
      const { got, want } = trajectory(kind, mode);
      // float32: the grouped update rounds differently (θ + s·(θ' − θ)), to a few ulps
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
    });

  it('Rprop refuses a learning rate of its own for the representation', () => {
    const ps = [param('w', [1]), param('R', [2], 'representation')];
    expect(() => createOptimizer(ps, OptimizerSchema.parse({ kind: 'rprop', reprLr: 0.1 }))).toThrow(/own learning rates/);
  });
});

describe('runs with a trainable representation', () => {
  const base = (o: Partial<RunConfigInput> = {}): RunConfigInput => ({
    seed: 1,
    task: { kind: 'messiness', p: 6, messiness: 1, reprDim: 2, templateDim: 5, trainFraction: 0.5, trainRepresentation: true },
    model: MLP,
    loss: 'mse',
    optimizer: { kind: 'adamw', lr: 1e-2, reprLr: 3e-2, weightDecay: 0.1, warmupSteps: 0 },
    training: { steps: 10 },
    ...o,
  });

  it('config errors name the path: η_R without a trainable representation, or with rprop', () => {
    const noRepr = RunConfigSchema.safeParse({
      ...base(),
      task: { kind: 'messiness', p: 6 },
      optimizer: { reprLr: 1e-2, reprWeightDecay: 0 },
    });
    expect(noRepr.success).toBe(false);
    const paths = noRepr.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['optimizer.reprLr', 'optimizer.reprWeightDecay']);
    expect(noRepr.error!.issues[0]!.message).toMatch(/trainRepresentation: true/);
    const rprop = RunConfigSchema.safeParse(base({ optimizer: { kind: 'rprop', reprLr: 1e-2 } }));
    expect(rprop.error!.issues.map((i) => i.path.join('.'))).toEqual(['optimizer.reprLr']);
    expect(RunConfigSchema.safeParse(base()).success).toBe(true);
  });

  it("a reduced-landscape cell freezes R at the cell's m (003 App. E, Table 1: landscape analysis)", () => {
    const settings = { axis: 'task.messiness', steps: 10, evalEvery: 5, lrScaling: 'fixed' } as const;
    const cell = cellConfig(RunConfigSchema.parse(base()), settings, 2, 0.25);
    expect(cell.task).toMatchObject({ kind: 'messiness', messiness: 0.25, trainRepresentation: false });
    expect(cell.optimizer.reprLr).toBeUndefined();
    expect(cell.optimizer.reprWeightDecay).toBeUndefined();
    expect(cell).toMatchObject({ constantNorm: true, init: { scale: 2 }, optimizer: { weightDecay: 0 } });
  });

  it('α scales the decoder only; R moves with training and a checkpoint resumes it exactly', async () => {
    const config = RunConfigSchema.parse(base({ init: { scale: 2 } }));
    const a = new Trainer(config);
    const reprOf = (t: Trainer) => Array.from(t.model.params.find((p) => p.name === 'repr.weight')!.variable.dataSync());
    expect(reprOf(a)).toEqual(Array.from(messyRepresentation(6, 2, 1, 0)));
    for (let i = 0; i < 5; i++) await a.update(false);
    expect(reprOf(a)).not.toEqual(Array.from(messyRepresentation(6, 2, 1, 0)));
    const state = await a.snapshot();
    expect(state.params.map((p) => p.name)).toContain('repr.weight');
    expect(state.optimizer.map((s) => s.name)).toContain('repr.weight/m');
    const b = new Trainer(config);
    b.restore(state);
    for (let i = 0; i < 5; i++) {
      await a.update(false);
      await b.update(false);
    }
    expect(reprOf(b)).toEqual(reprOf(a));
    const rows = await a.evaluate(null);
    const lin = rows.find(([n]) => n === 'repr_linearity');
    expect(lin?.[2]).toBeCloseTo(representationLinearity(reprOf(a), 6, 2), 6);
    a.dispose();
    b.dispose();
  });
});

describe("R_linear's two forms (task.linear)", () => {
  it("'index' (the default) puts i in the first entry, 'centred' 2i/(p − 1) − 1; both are linear", () => {
    expect(MessinessTaskSchema.parse({ kind: 'messiness' }).linear).toBe('index');
    const index = messyRepresentation(5, 2, 0, 0);
    const centred = messyRepresentation(5, 2, 0, 0, 'centred');
    expect(Array.from(index)).toEqual([0, 0, 1, 0, 2, 0, 3, 0, 4, 0]);
    expect(Array.from(centred)).toEqual([-1, 0, -0.5, 0, 0, 0, 0.5, 0, 1, 0]);
    expect(representationLinearity(centred, 5, 2)).toBeCloseTo(1, 12);
    // the random part is the same draw in both forms
    const half = (linear: 'index' | 'centred') => messyRepresentation(5, 2, 0.5, 3, linear);
    const lin = (linear: 'index' | 'centred') => messyRepresentation(5, 2, 0, 3, linear);
    half('index').forEach((v, k) => expect(v - 0.5 * lin('index')[k]!).toBeCloseTo(half('centred')[k]! - 0.5 * lin('centred')[k]!, 6));
  });
});

describe('representationLinearity', () => {
  it('is 1 for R_linear, unchanged by offset, scale and rotation, corr² for scalars, lower for a random R', () => {
    expect(representationLinearity(messyRepresentation(10, 3, 0, 0), 10, 3)).toBeCloseTo(1, 12);
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    const R = messyRepresentation(10, 2, 0.6, 4);
    const moved = R.map((v, k) => {
      const i = k >> 1;
      const [x, y] = [R[2 * i]!, R[2 * i + 1]!];
      return 3 * (k % 2 === 0 ? c * x - s * y : s * x + c * y) + 5;
    });
    expect(representationLinearity(moved, 10, 2)).toBeCloseTo(representationLinearity(R, 10, 2), 5);
    const e = [0.3, -1.2, 2.5, 0.1, 4, 3.3, -0.5];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const idx = e.map((_, i) => i);
    const cov = mean(e.map((v, i) => (v - mean(e)) * (i - mean(idx))));
    const corr = cov / Math.sqrt(mean(e.map((v) => (v - mean(e)) ** 2)) * mean(idx.map((i) => (i - mean(idx)) ** 2)));
    expect(representationLinearity(e, 7, 1)).toBeCloseTo(corr ** 2, 12);
    expect(representationLinearity(messyRepresentation(10, 2, 1, 0), 10, 2)).toBeLessThan(0.5);
    expect(() => representationLinearity([1, 2], 3, 1)).toThrow(/expected 3 × 1/);
  });
});
