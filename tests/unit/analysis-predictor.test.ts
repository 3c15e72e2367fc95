// The grokking predictor: features on signals with a known answer, the default rule's direction, calibration on
// separable synthetic runs (cross-validated accuracy 1), and the fallback to the rule with its reason.
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  DEFAULT_RULE,
  earlyFeatures,
  MIN_RUNS_TO_CALIBRATE,
  predict,
  ruleProbability,
  type LabelledRun,
} from '../../src/shared/analysis/predictor';

const W = 400;
/** A decaying loss, optionally with an oscillation of period 16 steps and relative amplitude `osc`. */
const curve = (osc: number, phase = 0): number[] =>
  Array.from({ length: W }, (_, n) => 3 * Math.exp(-n / 400) * (1 + osc * Math.sin((2 * Math.PI * n) / 16 + phase)));

describe('early features', () => {
  it('put an oscillation of relative amplitude a at relative energy ≈ a²/2 of the window', () => {
    const f = earlyFeatures({ stepLoss: curve(0.1), trainAccAtW: 0.9, valAccAtW: 0.1 });
    // the sine's energy is ≈ (0.1·L)²/2 per sample against L² per sample: log10(0.005) ≈ −2.3; the smooth decay
    // leaks a little more energy through the filter, never orders of magnitude
    expect(f.values[0]).toBeGreaterThan(-2.6);
    expect(f.values[0]).toBeLessThan(-1.9);
    expect(f.values[4]).toBe(0.9);
    expect(f.values[5]).toBe(0.1);
    const smooth = earlyFeatures({ stepLoss: curve(0), trainAccAtW: 0.9, valAccAtW: 0.1 });
    expect(smooth.values[0]).toBeLessThan(f.values[0]! - 1.5);
  });

  it('the rule says yes for a strongly oscillating loss and no for a smooth one', () => {
    const osc = earlyFeatures({ stepLoss: curve(0.2), trainAccAtW: 1, valAccAtW: 0 });
    const smooth = earlyFeatures({ stepLoss: curve(0), trainAccAtW: 1, valAccAtW: 0 });
    expect(ruleProbability(osc.values)).toBeGreaterThan(0.5);
    expect(ruleProbability(smooth.values)).toBeLessThan(0.5);
    // at the threshold the rule is undecided
    const at = [DEFAULT_RULE.threshold, 0, 0, 0, 0, 0];
    expect(ruleProbability(at)).toBeCloseTo(0.5, 12);
  });

  it('refuses a window shorter than W, naming both lengths', () => {
    expect(() => earlyFeatures({ stepLoss: curve(0.1).slice(0, 100), trainAccAtW: 1, valAccAtW: 0 })).toThrow(/first 400 steps.*only 100/);
  });
});

describe('calibration', () => {
  const runs = (n: number, seed: number): LabelledRun[] =>
    Array.from({ length: n }, (_, i) => {
      const grokked = i % 2 === 0;
      const osc = grokked ? 0.15 + 0.01 * ((i * 7 + seed) % 5) : 0.01 + 0.002 * ((i * 3 + seed) % 5);
      return { runId: i + 1, grokked, features: earlyFeatures({ stepLoss: curve(osc, i), trainAccAtW: 1, valAccAtW: 0.05 }).values };
    });

  it('fits a model whose cross-validated accuracy is 1 on separable runs and predicts a new run', () => {
    const c = calibrate(runs(12, 0));
    if (!('model' in c)) throw new Error(c.reason);
    expect(c.cvAccuracy).toBe(1);
    expect(c.trainedOn).toBe(12);
    const yes = predict(earlyFeatures({ stepLoss: curve(0.17, 1), trainAccAtW: 1, valAccAtW: 0.05 }), c);
    expect(yes).toMatchObject({ method: 'calibrated', willGrok: true, atStep: 400, cvAccuracy: 1, trainedOn: 12 });
    expect(yes.probability).toBeGreaterThan(0.5);
    const no = predict(earlyFeatures({ stepLoss: curve(0.012, 2), trainAccAtW: 1, valAccAtW: 0.05 }), c);
    expect(no.willGrok).toBe(false);
  });

  it('falls back to the rule with the reason when there are too few runs or one outcome only', () => {
    const few = calibrate(runs(MIN_RUNS_TO_CALIBRATE - 1, 0));
    expect(few).toEqual({ reason: expect.stringMatching(/7 finished runs .* needs 8/) });
    const oneSided = calibrate(runs(12, 0).map((r) => ({ ...r, grokked: true })));
    expect(oneSided).toEqual({ reason: expect.stringMatching(/12 runs grokked and 0 did not/) });
    const p = predict(earlyFeatures({ stepLoss: curve(0.2), trainAccAtW: 1, valAccAtW: 0 }), few);
    expect(p).toMatchObject({ method: 'rule', cvAccuracy: null, willGrok: true });
    expect(p.note).toMatch(/needs 8/);
  });
});
