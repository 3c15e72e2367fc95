// The grokking predictor: features on signals with a known answer, the default rule's direction, calibration on
// separable synthetic runs (cross-validated accuracy 1), the fallback to the rule with its reason, and nested
// cross-validation: chance on pure-noise features where the choice's own score looks better, high on an informative one.
import { describe, expect, it } from 'vitest';
import { candidates, chooseModel, nestedCrossValidate } from '../../src/shared/analysis/predictor-model-choice';
import {
  calibrate,
  calibrationWords,
  RULE_THRESHOLD_ORIGIN,
  ruleWords,
  DEFAULT_RULE,
  allEarlyFeatures,
  earlyFeatures,
  MIN_RUNS_TO_CALIBRATE,
  predict,
  PREDICTOR_FEATURES,
  ruleProbability,
  type EarlyRun,
  type EarlyTrajectory,
  type LabelledRun,
} from '../../src/shared/analysis/predictor';
import { syntheticCorpus as corpus } from '../../scripts/predictor-synthetic';

const W = 400;
/** A memorising run's evaluations at 0, W/2, W: validation loss rising, train loss falling, weight norm growing. */
const MEMORISING: EarlyTrajectory = { valLoss: [3.4, 4, 5], trainLoss: [3.4, 0.1, 0.01], weightNorm: [40, 42, 43], cosInitAtW: 0.8 };
const early = (stepLoss: number[], trainAccAtW: number, valAccAtW: number, trajectory = MEMORISING, budget = 5000): EarlyRun => ({
  stepLoss,
  trainAccAtW,
  valAccAtW,
  trajectory,
  budget,
});
/** A decaying loss, optionally with an oscillation of period 16 steps and relative amplitude `osc`. */
const curve = (osc: number, phase = 0): number[] =>
  Array.from({ length: W }, (_, n) => 3 * Math.exp(-n / 400) * (1 + osc * Math.sin((2 * Math.PI * n) / 16 + phase)));

describe('early features', () => {
  it('put an oscillation of relative amplitude a at relative energy ≈ a²/2 of the window', () => {
    const f = earlyFeatures(early(curve(0.1), 0.9, 0.1));
    // the sine's energy is ≈ (0.1·L)²/2 per sample against L² per sample: log10(0.005) ≈ −2.3; the smooth decay
    // leaks a little more energy through the filter, never orders of magnitude
    expect(f.values[0]).toBeGreaterThan(-2.6);
    expect(f.values[0]).toBeLessThan(-1.9);
    const all = allEarlyFeatures(early(curve(0.1), 0.9, 0.1)).all;
    expect(all['train accuracy at W']).toBe(0.9);
    expect(f.values[PREDICTOR_FEATURES.indexOf('validation accuracy at W')]).toBe(0.1);
    const smooth = earlyFeatures(early(curve(0), 0.9, 0.1));
    expect(smooth.values[0]).toBeLessThan(f.values[0]! - 1.5);
  });

  it('the rule says yes for a strongly oscillating loss and no for a smooth one', () => {
    const osc = earlyFeatures(early(curve(0.2), 1, 0));
    const smooth = earlyFeatures(early(curve(0), 1, 0));
    expect(ruleProbability(osc.values)).toBeGreaterThan(0.5);
    expect(ruleProbability(smooth.values)).toBeLessThan(0.5);
    // at the threshold the rule is undecided
    const at = [DEFAULT_RULE.threshold, 0, 0, 0, 0, 0];
    expect(ruleProbability(at)).toBeCloseTo(0.5, 12);
  });

  it('read the weight norm and validation loss in decades, projecting the trend of [W/2, W] over the rest of the budget', () => {
    // weight decay halves the norm over the window, the last quarter of it by 2^(1/2); the validation loss falls 10×
    // over [W/2, W]. Budget 5000: the rest (4600 updates) is 23 half-windows.
    const shrinking: EarlyTrajectory = {
      valLoss: [3, 2, 0.2],
      trainLoss: [3, 0.5, 0.05],
      weightNorm: [40, 20 * Math.SQRT2, 20],
      cosInitAtW: 0.5,
    };
    const { all } = allEarlyFeatures(early(curve(0.1), 1, 0.3, shrinking, 5000));
    expect(all['weight-norm change over [0, W] (decades)']).toBeCloseTo(Math.log10(0.5), 12);
    expect(all['weight-norm trend projected to the budget (decades)']).toBeCloseTo(-0.5 * Math.log10(2) * 23, 12);
    expect(all['validation-loss trend over [W/2, W] (decades)']).toBeCloseTo(-1, 12);
    expect(all['validation-loss trend projected to the budget (decades)']).toBeCloseTo(-23, 12);
    expect(all['train loss at W (decades)']).toBeCloseTo(Math.log10(0.05), 12);
    expect(all['validation / train loss at W (decades)']).toBeCloseTo(Math.log10(4), 12);
    expect(all['cos(θ_W, θ_0)']).toBe(0.5);
    // a budget of 10000 leaves 9600 updates, 48 half-windows
    const longer = allEarlyFeatures(early(curve(0.1), 1, 0.3, shrinking, 10000)).all;
    expect(longer['validation-loss trend projected to the budget (decades)']).toBeCloseTo(-(10000 - 400) / 200, 12);
    // a budget that ends at W projects nothing
    expect(
      allEarlyFeatures(early(curve(0.1), 1, 0.3, shrinking, 400)).all['weight-norm trend projected to the budget (decades)'],
    ).toBeCloseTo(0, 12);
  });

  it('refuses a trajectory with a zero loss, naming the feature', () => {
    const zero: EarlyTrajectory = { ...MEMORISING, valLoss: [3, 0, 0] };
    expect(() => earlyFeatures(early(curve(0.1), 1, 0, zero))).toThrow(/validation-loss trend projected .* is NaN/);
  });

  it('refuses a window shorter than W, naming both lengths', () => {
    expect(() => earlyFeatures(early(curve(0.1).slice(0, 100), 1, 0))).toThrow(/first 400 steps.*only 100/);
  });
});

describe('calibration', () => {
  const runs = (n: number, seed: number): LabelledRun[] =>
    Array.from({ length: n }, (_, i) => {
      const grokked = i % 2 === 0;
      const osc = grokked ? 0.15 + 0.01 * ((i * 7 + seed) % 5) : 0.01 + 0.002 * ((i * 3 + seed) % 5);
      return { runId: i + 1, grokked, features: earlyFeatures(early(curve(osc, i), 1, 0.05)).values };
    });

  it('fits a model whose cross-validated accuracy is 1 on separable runs and predicts a new run', () => {
    const c = calibrate(runs(12, 0));
    if (!('model' in c)) throw new Error(c.reason);
    expect(c.cvAccuracy).toBe(1);
    expect(c.trainedOn).toBe(12);
    const yes = predict(earlyFeatures(early(curve(0.17, 1), 1, 0.05)), c);
    expect(yes).toMatchObject({ method: 'calibrated', willGrok: true, atStep: 400, cvAccuracy: 1, trainedOn: 12 });
    expect(yes.probability).toBeGreaterThan(0.5);
    const no = predict(earlyFeatures(early(curve(0.012, 2), 1, 0.05)), c);
    expect(no.willGrok).toBe(false);
  });

  it('falls back to the rule with the reason when there are too few runs or one outcome only', () => {
    const few = calibrate(runs(MIN_RUNS_TO_CALIBRATE - 1, 0));
    expect(few).toEqual({ reason: expect.stringMatching(/7 finished runs .* needs 8/) });
    const oneSided = calibrate(runs(12, 0).map((r) => ({ ...r, grokked: true })));
    expect(oneSided).toEqual({ reason: expect.stringMatching(/12 runs grokked and 0 did not/) });
    const p = predict(earlyFeatures(early(curve(0.2), 1, 0)), few);
    expect(p).toMatchObject({ method: 'rule', cvAccuracy: null, willGrok: true });
    expect(p.note).toMatch(/needs 8/);
  });

  it("says which tasks the model learnt from, and when none of them is the predicted run's", () => {
    const tasks = ['a-b mod 31', 'a*b mod 31', 'a/b mod 31', 'a²+b² mod 31', 'a²+ab+b² mod 31'];
    // 4, 3, 2, 2 and 1 runs of the five tasks (12 in all)
    const of = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4];
    const c = calibrate(runs(12, 0).map((r, i) => ({ ...r, task: tasks[of[i]!]! })));
    if (!('model' in c)) throw new Error(c.reason);
    expect(c.tasks).toEqual([
      { task: tasks[0], runs: 4 },
      { task: tasks[1], runs: 3 },
      { task: tasks[2], runs: 2 },
      { task: tasks[3], runs: 2 },
      { task: tasks[4], runs: 1 },
    ]);
    const other = predict(earlyFeatures(early(curve(0.17, 1), 1, 0.05)), c, 'a+b mod 31');
    expect(other.ownTaskRuns).toBe(0);
    expect(calibrationWords(other)).toMatch(
      /^logistic model on 12 finished runs \(a-b mod 31: 4; a\*b mod 31: 3; a\/b mod 31: 2; 2 more tasks\), none of this run's task, [1-5] of 5 features chosen by cross-validation, nested cross-validated accuracy 100%$/,
    );
    const same = predict(earlyFeatures(early(curve(0.17, 1), 1, 0.05)), c, tasks[1]);
    expect(same.ownTaskRuns).toBe(3);
    expect(calibrationWords(same)).not.toMatch(/none of this run's task/);
    // a prediction stored by an earlier version has no tasks
    expect(calibrationWords({ trainedOn: 9, cvAccuracy: 0.888, trainedOnTasks: undefined, ownTaskRuns: undefined })).toBe(
      'logistic model on 9 finished runs, cross-validated accuracy 89%',
    );
  });
});

describe('nested cross-validation', () => {
  /** n runs, half grokked, with 5 features; `signal` > 0 moves feature 2 by ± signal standard deviations. */
  it('chooses among every subset of the features at every L2 strength', () => {
    const c = candidates(5);
    expect(c).toHaveLength(31 * 3);
    expect(c[0]!.features).toHaveLength(1);
    expect(c.at(-1)!.features).toEqual([0, 1, 2, 3, 4]);
  });

  it('is at chance on pure-noise features, where the choice scored on its own runs looks better', () => {
    const nested: number[] = [];
    const selected: number[] = [];
    for (let s = 0; s < 24; s++) {
      const { X, y } = corpus(30, 1000 + s);
      nested.push(nestedCrossValidate(X, y, 5, s).accuracy);
      selected.push(chooseModel(X, y, s).accuracy);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // 24 corpora of 30 runs: the mean of nested CV is within 0.5 ± 0.15 (its standard error is ≈ 0.02)
    expect(Math.abs(mean(nested) - 0.5)).toBeLessThan(0.15);
    // the best of 93 candidates, scored on the runs it was chosen on, is optimistic
    expect(mean(selected)).toBeGreaterThan(mean(nested) + 0.1);
    expect(mean(selected)).toBeGreaterThan(0.6);
  }, 60_000);

  it('scores high with a known informative feature, and chooses it', () => {
    for (let s = 0; s < 4; s++) {
      const { X, y } = corpus(40, 2000 + s, 1.5);
      const n = nestedCrossValidate(X, y, 5, s);
      // ±1.5 σ apart: the Bayes accuracy is Φ(1.5) ≈ 0.93
      expect(n.accuracy).toBeGreaterThan(0.8);
      expect(n.choices.every((c) => c.features.includes(2))).toBe(true);
    }
  }, 60_000);

  it('is what calibrate reports as the model accuracy, beside the optimistic score of its choice', () => {
    const { X, y } = corpus(30, 7);
    const c = calibrate(X.map((features, i) => ({ runId: i + 1, features, grokked: y[i] === 1 })));
    if (!('model' in c)) throw new Error(c.reason);
    expect(c.cvAccuracy).toBe(nestedCrossValidate(X, y, 5, 0).accuracy);
    expect(c.selectionCvAccuracy).toBe(chooseModel(X, y, 0).accuracy);
    expect(c.model.weights).toHaveLength(c.features.length);
    const p = predict({ signature: { window: 400 } as never, values: X[0]! }, c);
    expect(p).toMatchObject({ method: 'calibrated', cvNested: true, cvAccuracy: c.cvAccuracy });
    expect(p.modelFeatures).toHaveLength(c.features.length);
    expect(calibrationWords(p)).toMatch(/nested cross-validated accuracy \d+%$/);
  });

  it("says that the default rule's threshold is Grokscope's own", () => {
    expect(RULE_THRESHOLD_ORIGIN).toMatch(/Grokscope's own threshold/);
    expect(ruleWords({ features: { 'log10 relative spectral energy': -1.834 } })).toBe(
      `oscillation energy ≥ 10^-2.5 of the window's energy (here 10^-1.83), ${RULE_THRESHOLD_ORIGIN}`,
    );
  });
});
