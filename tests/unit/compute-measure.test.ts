// The training loop's measurements and Omnigrok's knobs on a real Trainer: cos(θ_{t−1}, θ_t), cos(θ_t, θ_0) and the
// per-parameter norms against values computed here from the weights; init scale α, constant norm, MSE loss, the
// two noise streams (where they go, their scale, their seeding) and the checkpoint schedule.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { isCheckpointStep } from '../../src/main/compute/train/loop';
import { Trainer } from '../../src/main/compute/train/trainer';
import { encodeBatch } from '../../src/main/compute/train/data';
import type { TaskDataset } from '../../src/main/compute/tasks/dataset';

beforeAll(async () => {
  await initBackend('cpu');
});

const config = (over: Partial<RunConfigInput> = {}) =>
  RunConfigSchema.parse({
    seed: 3,
    backend: 'cpu',
    task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5 },
    model: { kind: 'mlp', embedDim: 4, width: 16, depth: 1 },
    optimizer: { lr: 0.01, weightDecay: 0.1, warmupSteps: 0 },
    training: { steps: 50 },
    ...over,
  });

const flat = (t: Trainer) => t.model.params.flatMap((p) => Array.from(p.variable.dataSync()));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const cos = (a: number[], b: number[]) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
const value = (rows: [string, number, number][], name: string) => rows.find((r) => r[0] === name)?.[2];

describe('measurements', () => {
  it('cos_step is cos(θ before, θ after) of the update; cos_init, weight_norm and norm/<param> match the weights', async () => {
    const t = new Trainer(config());
    const theta0 = flat(t);
    for (let i = 0; i < 5; i++) await t.update(false);
    const before = flat(t);
    const r = await t.update(true);
    const after = flat(t);
    expect(r.cosStep).toBeCloseTo(cos(before, after), 6);
    expect(r.cosStep).toBeLessThan(1); // the weights did move
    const rows = await t.evaluate(r);
    expect(value(rows, 'cos_step')).toBe(r.cosStep);
    expect(value(rows, 'cos_init')).toBeCloseTo(cos(after, theta0), 6);
    expect(value(rows, 'weight_norm')).toBeCloseTo(Math.sqrt(dot(after, after)), 4);
    for (const p of t.model.params) {
      const w = Array.from(p.variable.dataSync());
      expect(value(rows, `norm/${p.name}`)).toBeCloseTo(Math.sqrt(dot(w, w)), 5);
    }
    expect(rows.filter((x) => x[0].startsWith('norm/')).map((x) => x[0])).toEqual(t.model.params.map((p) => `norm/${p.name}`));
    t.dispose();
  });

  it('at step 0 there is no cos_step, grad_norm or lr, and cos_init is 1', async () => {
    const t = new Trainer(config());
    const rows = await t.evaluate(null);
    expect(value(rows, 'cos_init')).toBeCloseTo(1, 6);
    for (const n of ['cos_step', 'grad_norm', 'lr']) expect(value(rows, n)).toBeUndefined();
    t.dispose();
  });

  it('the recorded lr follows a cosine schedule to 0 over training.steps, and the updates use it', async () => {
    const cosine = new Trainer(
      config({ optimizer: { lr: 0.01, weightDecay: 0, warmupSteps: 0, lrSchedule: 'cosine' }, training: { steps: 50 } }),
    );
    const lrAt = async (s: number) => {
      while (cosine.step < s) await cosine.update(false);
      return value(await cosine.evaluate(null), 'lr')!;
    };
    expect(await lrAt(1)).toBeCloseTo(0.01, 8);
    expect(await lrAt(26)).toBeCloseTo(0.005, 8); // update 26 has index t = 25 = T/2
    expect(await lrAt(50)).toBeCloseTo(0.01 * 0.5 * (1 + Math.cos((Math.PI * 49) / 50)), 8);
    cosine.dispose();
    // a smaller lr moves the weights less: the same run at constant lr and at cosine part after the first update
    const a = new Trainer(config({ optimizer: { lr: 0.01, weightDecay: 0, warmupSteps: 0 } }));
    const b = new Trainer(config({ optimizer: { lr: 0.01, weightDecay: 0, warmupSteps: 0, lrSchedule: 'cosine' } }));
    await a.update(false);
    await b.update(false);
    expect(flat(b)).toEqual(flat(a));
    for (let i = 0; i < 30; i++) {
      await a.update(false);
      await b.update(false);
    }
    expect(flat(b)).not.toEqual(flat(a));
    a.dispose();
    b.dispose();
  });
});

describe("Omnigrok's knobs", () => {
  it('init scale α multiplies every parameter, biases included, after the standard init', () => {
    const one = new Trainer(config());
    const two = new Trainer(config({ init: { scale: 2.5 } }));
    const a = flat(one);
    const b = flat(two);
    expect(one.model.params.some((p) => p.name.endsWith('.bias'))).toBe(true);
    b.forEach((x, i) => expect(x).toBeCloseTo(2.5 * a[i]!, 5));
    one.dispose();
    two.dispose();
  });

  it('constant-norm training keeps ‖θ‖ at its initial value while the weights move', async () => {
    const t = new Trainer(config({ init: { scale: 0.8 }, constantNorm: true, optimizer: { lr: 0.05, weightDecay: 1, warmupSteps: 0 } }));
    const theta0 = flat(t);
    const n0 = Math.sqrt(dot(theta0, theta0));
    for (let i = 0; i < 20; i++) await t.update(false);
    const th = flat(t);
    expect(Math.sqrt(dot(th, th))).toBeCloseTo(n0, 3);
    expect(cos(th, theta0)).toBeLessThan(0.999);
    // without the constraint the same run changes the norm
    const free = new Trainer(config({ init: { scale: 0.8 }, optimizer: { lr: 0.05, weightDecay: 1, warmupSteps: 0 } }));
    for (let i = 0; i < 20; i++) await free.update(false);
    const f = flat(free);
    expect(Math.abs(Math.sqrt(dot(f, f)) - n0)).toBeGreaterThan(0.01 * n0);
    t.dispose();
    free.dispose();
  });

  it("MSE loss is torch's nn.MSELoss() on one-hot targets, in training and evaluation", async () => {
    const t = new Trainer(config({ loss: 'mse' }));
    const ds = t.dataset as TaskDataset;
    const b = encodeBatch(ds.train, ds.seqLen, ds.vocabSize, ds.numClasses, null);
    const logits = tf.tidy(() => t.model.forward(b.input));
    const l = Array.from(logits.dataSync());
    const y = Array.from(b.targets.dataSync());
    const mse = l.reduce((s, x, i) => s + (x - y[i]!) ** 2, 0) / l.length;
    tf.dispose([logits, b.input.onehot, b.input.onehotT, b.targets, b.labels]);
    expect(value(await t.evaluate(null), 'train_loss')).toBeCloseTo(mse, 5);
    expect((await t.update(false)).loss).toBeCloseTo(mse, 5); // the loss of the batch before the update
    t.dispose();
  });
});

describe('noise (004 §4.3)', () => {
  const sgd = { kind: 'sgd' as const, lr: 0.5, weightDecay: 0, warmupSteps: 0 };

  it('update-direction noise adds lr·σ·ε with ε ~ N(0, 1) to the update, seeded from the run seed', async () => {
    const clean = new Trainer(config({ optimizer: sgd }));
    const noisy = new Trainer(config({ optimizer: { ...sgd, updateNoise: 0.2 } }));
    const again = new Trainer(config({ optimizer: { ...sgd, updateNoise: 0.2 } }));
    const other = new Trainer(config({ seed: 4, optimizer: { ...sgd, updateNoise: 0.2 } }));
    for (const t of [clean, noisy, again]) await t.update(false);
    const eps = flat(noisy).map((x, i) => (x - flat(clean)[i]!) / (0.5 * 0.2));
    const mean = eps.reduce((a, b) => a + b, 0) / eps.length;
    const sd = Math.sqrt(eps.reduce((a, b) => a + (b - mean) ** 2, 0) / eps.length);
    expect(eps.length).toBeGreaterThan(400);
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(sd).toBeGreaterThan(0.9);
    expect(sd).toBeLessThan(1.1);
    expect(flat(again)).toEqual(flat(noisy));
    await other.update(false);
    expect(flat(other)).not.toEqual(flat(noisy));
    [clean, noisy, again, other].forEach((t) => t.dispose());
  });

  it('weight noise perturbs the weights the gradient is taken at, not the weights kept', async () => {
    const tiny = { ...sgd, lr: 1e-9 };
    const t = new Trainer(config({ optimizer: { ...tiny, weightNoise: 0.5 } }));
    const theta0 = flat(t);
    const clean = new Trainer(config({ optimizer: tiny }));
    const r = await t.update(true);
    const rc = await clean.update(true);
    // the kept weights moved by lr·g only (≈ 0), not by σε
    flat(t).forEach((x, i) => expect(Math.abs(x - theta0[i]!)).toBeLessThan(1e-6));
    // but the gradient was taken somewhere else, and the training loss was that of the noisy weights
    expect(r.gradNorm).not.toBeCloseTo(rc.gradNorm!, 3);
    expect(r.loss).not.toBeCloseTo(rc.loss, 3);
    t.dispose();
    clean.dispose();
  });
});

describe('no tensor leaks', () => {
  it('with every extra on (noise, weight noise, clipping, constant norm, measurements, MSE), for every optimiser', async () => {
    for (const kind of ['adamw', 'adam', 'sgd', 'rmsprop', 'rprop', 'adamax'] as const) {
      const t = new Trainer(
        config({
          loss: 'mse',
          constantNorm: true,
          init: { scale: 0.8 },
          optimizer: {
            kind,
            lr: 0.01,
            weightDecay: 0.1,
            momentum: kind === 'sgd' || kind === 'rmsprop' ? 0.5 : 0,
            clipGradNorm: 1,
            updateNoise: 0.1,
            weightNoise: 0.01,
            warmupSteps: 3,
          },
          training: { steps: 100, batchSize: 8 },
        }),
      );
      const run = async (n: number) => {
        for (let i = 0; i < n; i++) await t.evaluate(await t.update(i % 5 === 0));
      };
      await run(10);
      const after10 = tf.memory().numTensors;
      await run(40);
      expect(tf.memory().numTensors).toBe(after10);
      t.dispose();
    }
  });
});

describe('checkpoint schedule', () => {
  it('stores powers of two early, then every k steps', () => {
    const at = (cfg: { checkpointEvery: number; checkpointPowersOfTwo: boolean }, n: number) =>
      Array.from({ length: n }, (_, i) => i + 1).filter((s) => isCheckpointStep(s, cfg));
    expect(at({ checkpointEvery: 100, checkpointPowersOfTwo: true }, 400)).toEqual([1, 2, 4, 8, 16, 32, 64, 100, 200, 300, 400]);
    expect(at({ checkpointEvery: 100, checkpointPowersOfTwo: false }, 400)).toEqual([100, 200, 300, 400]);
    expect(at({ checkpointEvery: 0, checkpointPowersOfTwo: true }, 300)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(at({ checkpointEvery: 0, checkpointPowersOfTwo: false }, 300)).toEqual([]);
  });
});

describe('figures of the measurements', () => {
  const series = (name: string) => ({ name, steps: [0, 10], values: [1, 0.5], downsampled: false });
  it('layer-norms draws one curve per norm/<param> series, labelled by the parameter; cos-step and cos-init one each', async () => {
    const { buildCurveOption, figureMetrics } = await import('../../src/shared/figures/curves');
    const all = ['train_loss', 'norm/embed.weight', 'norm/out.bias', 'cos_step', 'cos_init'].map(series);
    expect(
      figureMetrics(
        'layer-norms',
        all.map((s) => s.name),
      ),
    ).toEqual(['norm/embed.weight', 'norm/out.bias']);
    expect(figureMetrics('layer-norms')).toEqual([]);
    const opt = buildCurveOption('layer-norms', all);
    expect((opt.series as { name: string }[]).map((s) => s.name)).toEqual(['embed.weight', 'out.bias']);
    expect(figureMetrics('cos-step')).toEqual(['cos_step']);
    expect(figureMetrics('cos-init')).toEqual(['cos_init']);
    const c = buildCurveOption('cos-step', all);
    expect((c.series as { data: number[][] }[]).map((s) => s.data.length)).toEqual([2]);
  });
});
