// Definitions issue 19 brought in line with the papers, each checked on a case whose answer is known by hand:
// t2/t4 at a chosen accuracy level and t1/t3 above chance (000 §2.3), the reduced landscape read at the training-loss
// minimiser (003 Eq. 1) or best over training, the presets (003's budget, 000 §4's landscape convention), and the
// Hessian ratio λmin/λmax keeping its sign (000 App. B.1).
import { describe, expect, it } from 'vitest';
import { aboveChanceSteps, chanceAccuracy, defaultAccuracyLevel, phaseStepsAtLevel } from '../../src/shared/analysis/phases';
import { hessianExtremes } from '../../src/shared/analysis/lanczos';
import { resolveLandscape } from '../../src/shared/api/landscape-options';
import { resolveReduced } from '../../src/shared/api/reduced-options';
import { resolveHessian } from '../../src/shared/api/probe-options';
import type { ReducedCell, ReducedView } from '../../src/shared/api/landscape-types';
import { reducedShape, reducedValue } from '../../src/shared/figures/landscape-reduced';
import { RunConfigSchema } from '../../src/shared/config/run-config';

const series = (values: number[]) => ({ steps: values.map((_, i) => 10 * i), values });

describe('phase steps at a level (000 §2.3) and above chance', () => {
  const train = series([0.02, 0.3, 0.95, 0.991, 1]);
  const val = series([0.01, 0.02, 0.5, 0.96, 0.995, 1 - 1e-12]);
  it('takes the first step at or above the level; level 1 is 000 §2.3’s 100% (float rounding allowed)', () => {
    expect(phaseStepsAtLevel(train, val, 0.99)).toEqual({ t2: 30, t4: 40 });
    expect(phaseStepsAtLevel(train, val, 1)).toEqual({ t2: 40, t4: 50 });
    expect(phaseStepsAtLevel(train, val, 0.95)).toEqual({ t2: 20, t4: 30 });
    expect(() => phaseStepsAtLevel(train, val, 0)).toThrow(RangeError);
    expect(() => phaseStepsAtLevel(train, val, 1.5)).toThrow(RangeError);
  });
  it('t1/t3 above chance: accuracy > chance + δ(1 − chance); 000’s "> 0" holds at the first evaluation', () => {
    // p = 50: chance 0.02, level 0.02 + 0.05·0.98 = 0.069
    const r = aboveChanceSteps(train, val, 1 / 50);
    expect(r.level).toBeCloseTo(0.069, 12);
    expect(r).toMatchObject({ t1: 10, t3: 20 });
    expect(train.values[0]! > 0 && val.values[0]! > 0).toBe(true); // t1 = t3 = 0 by 000's definition
  });
  it('chance and the default level per task', () => {
    const task = (t: object) =>
      RunConfigSchema.parse({ task: t, model: { kind: 'mlp' }, optimizer: { kind: 'adamw' }, training: { steps: 10 } }).task;
    expect(chanceAccuracy(task({ kind: 'modular', op: 'add', p: 97 }))).toBeCloseTo(1 / 97, 15);
    expect(chanceAccuracy({ kind: 'teacher-student' } as never)).toBeNull();
    expect(defaultAccuracyLevel(task({ kind: 'modular', op: 'add', p: 97 })).level).toBe(0.99);
    expect(defaultAccuracyLevel({ kind: 'teacher-student' } as never).level).toBe(0.95);
    expect(defaultAccuracyLevel(task({ kind: 'mnist' })).level).toBe(0.85);
  });
});

describe('reduced landscape readings (003 Eq. 1)', () => {
  const cell = (scale: number, trainLoss: number, bestTest: number, atMin: number): ReducedCell => ({
    scale,
    value: 0.5,
    weightNorm: 10 * scale,
    trainLoss,
    testLoss: bestTest,
    trainError: 0,
    testError: 0.5,
    atTrainMin: { step: 100, testLoss: atMin, trainError: 0, testError: 0.6 },
    finalTrainLoss: trainLoss,
    finalTestLoss: atMin,
    seconds: 1,
  });
  it('reads the test loss at the training-loss minimiser by default, the best over training when asked', () => {
    const c = cell(1, 0.01, 0.2, 0.9);
    expect(reducedValue(c, 'test', 'loss')).toBe(0.9);
    expect(reducedValue(c, 'test', 'loss', 'best-over-training')).toBe(0.2);
    expect(reducedValue(c, 'test', 'error')).toBe(0.6);
    expect(reducedValue(c, 'train', 'loss')).toBe(0.01);
    const { atTrainMin: _, ...old } = c; // a cell stored before the reading was recorded
    expect(reducedValue(old, 'test', 'loss')).toBe(0.2);
  });
  it('the U can be there in one reading and not the other', () => {
    // at the minimiser: 1.0, 0.3, 0.8 (a U); best over training: 0.5, 0.3, 0.1 (falling)
    const cells = [cell(0.5, 1, 0.5, 1.0), cell(1, 0.1, 0.3, 0.3), cell(2, 0.05, 0.1, 0.8)];
    const view = { cells: [cells], params: { values: [0.5] } } as unknown as ReducedView;
    expect(reducedShape(view, 0)).toEqual({ testMinAt: 10, lShape: true, uShape: true });
    expect(reducedShape(view, 0, 'best-over-training').uShape).toBe(false);
  });
});

describe('presets', () => {
  const config = RunConfigSchema.parse({
    task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.5 },
    model: { kind: 'mlp' },
    optimizer: { kind: 'adamw' },
    training: { steps: 500 },
  });
  it("003's budget: 10⁴ updates, α 0.1 … 10 in 21 log-spaced values; explicit options win", () => {
    const p = resolveReduced(config, { preset: 'paper' });
    expect(p.steps).toBe(10_000);
    expect(p.scales).toHaveLength(21);
    expect(p.scales[0]).toBe(0.1);
    expect(p.scales[10]).toBe(1);
    expect(p.scales[20]).toBe(10);
    for (let k = 1; k < 21; k++) expect(Math.log10(p.scales[k]! / p.scales[k - 1]!)).toBeCloseTo(0.1, 2);
    expect(resolveReduced(config, { preset: 'paper', steps: 50 }).steps).toBe(50);
    expect(resolveReduced(config, {}).steps).toBe(500); // fast: min(run's steps, 1000)
  });
  it("landscape: Li et al.'s defaults, and 000 §4's (per-scalar biases, α ∈ [−3, 3])", () => {
    const li = resolveLandscape(1, [0, 100], {});
    expect([li.oneDim, li.range]).toEqual(['zero', [-1, 1]]);
    const ours = resolveLandscape(1, [0, 100], { preset: 'notsawo-2023' });
    expect([ours.normalization, ours.oneDim, ours.range]).toEqual(['filter', 'per-scalar', [-3, 3]]);
    expect(resolveLandscape(1, [0, 100], { preset: 'notsawo-2023', oneDim: 'keep' }).oneDim).toBe('keep');
  });
  it("the Hessian leaves 1-D parameters out by default, as the authors' code", () => {
    expect(resolveHessian({}).excludeOneDim).toBe(true);
    expect(resolveHessian({ excludeOneDim: false }).excludeOneDim).toBe(false);
  });
});

describe('Hessian ratio keeps its sign (000 App. B.1)', () => {
  it('λmin/λmax of diag(5, 1, −2, 0.5) is −0.4', async () => {
    const d = [5, 1, -2, 0.5];
    const r = await hessianExtremes((v) => v.map((x, i) => d[i]! * x), d.length, { tol: 1e-10, maxIter: 20 });
    expect(r.lambdaMax).toBeCloseTo(5, 8);
    expect(r.lambdaMin).toBeCloseTo(-2, 8);
    expect(r.ratio).toBeCloseTo(-0.4, 8);
  });
});
