// The budget-aware predictor on a synthetic corpus with a known rule: log10(t_L / W) = 1 + 1.5·x₁ + ε, ε ~ N(0, 0.1²),
// x₂ pure noise, five tasks. The model must recover it: held-out-task agreement, the sign of each input, t_L's median
// and interval against the rule, and answers that change with the budget.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/shared/analysis/rng';
import {
  budgetExamples,
  chooseBand,
  fitBudgetModel,
  predictWithinBudget,
  type BudgetRun,
} from '../../src/shared/analysis/predictor-budget';

const W = 400;
const TRAINED_TO = 20_000;

function corpus(n: number, seed: number): (BudgetRun & { x: number[] })[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const x = [2 * r.next() - 1, 2 * r.next() - 1];
    const t = Math.round(W * 10 ** (1 + 1.5 * x[0]! + 0.1 * r.normal()));
    return { task: `task ${i % 5}`, x, features: () => x, tLevel: t <= TRAINED_TO ? t : null, trainedTo: TRAINED_TO };
  });
}

describe('budget-aware predictor on a known rule', () => {
  const runs = corpus(300, 1);
  const model = fitBudgetModel(runs, { level: 0.99, window: W, featureNames: ['x1', 'x2'] });

  it('labels every run at each grid budget it was trained to, above the window', () => {
    const ex = budgetExamples([{ task: 't', features: () => [0], tLevel: 1500, trainedTo: 5000 }], W);
    expect(ex.map((e) => [e.x[1], e.y])).toEqual([
      [Math.log10(1000 / W), 0],
      [Math.log10(2000 / W), 1],
      [Math.log10(5000 / W), 1],
    ]);
  });

  it('leaves out a run at the level by the window: its answer is observed there, never predicted', () => {
    const run = (tLevel: number | null): BudgetRun => ({ task: 't', features: () => [0], tLevel, trainedTo: 5000 });
    expect(budgetExamples([run(W)], W)).toEqual([]);
    expect(budgetExamples([run(W + 1)], W)).toHaveLength(3);
    expect(budgetExamples([run(null)], W)).toHaveLength(3);
  });

  it('holds out each task in turn: high agreement, most examples confident, and the right signs', () => {
    expect(model.heldOut.map((h) => h.task)).toEqual(['task 0', 'task 1', 'task 2', 'task 3', 'task 4']);
    expect(model.pooled.accuracy).toBeGreaterThan(0.93);
    expect(model.pooled.confidentAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(model.pooled.coverage).toBeGreaterThan(0.8);
    const [wx1, wx2, wBudget] = model.logistic.weights;
    expect(wx1).toBeLessThan(0); // a larger x₁ groks later
    expect(wBudget).toBeGreaterThan(0); // a longer budget is more likely enough
    expect(Math.abs(wx2!)).toBeLessThan(Math.abs(wx1!) / 10); // noise carries little weight
  });

  it("estimates t_L's median and 80% interval where the rule puts them", () => {
    for (const x1 of [-0.5, 0, 0.5]) {
      const truth = W * 10 ** (1 + 1.5 * x1);
      const p = predictWithinBudget(model, () => [x1, 0], 5000);
      expect(Math.abs(Math.log10(p.tLevel.median! / truth))).toBeLessThan(0.1);
      // the rule's own 10%-90% spread is ±0.128 decades
      expect(p.tLevel.low!).toBeLessThan(truth);
      expect(p.tLevel.high!).toBeGreaterThan(truth);
      expect(Math.log10(p.tLevel.high! / p.tLevel.low!)).toBeLessThan(0.8);
    }
  });

  it('answers "within 2k?" and "within 20k?" differently, and says when it is not confident', () => {
    const x = () => [0.1, 0]; // t_L ≈ 400·10^1.15 ≈ 5650
    const short = predictWithinBudget(model, x, 2000);
    const long = predictWithinBudget(model, x, 20_000);
    expect(short.probability).toBeLessThan(0.1);
    expect(long.probability).toBeGreaterThan(0.9);
    expect(short.confident && long.confident).toBe(true);
    // at its own median estimate the answer is a coin toss; a model asked for 99% agreement on held-out tasks keeps
    // a band around 1/2 and says it is not confident there
    const strict = fitBudgetModel(runs, { level: 0.99, window: W, featureNames: ['x1', 'x2'], targetAccuracy: 0.99 });
    expect(strict.band).toBeGreaterThan(0);
    const edge = predictWithinBudget(strict, x, short.tLevel.median!);
    expect(Math.abs(edge.probability - 0.5)).toBeLessThan(0.1);
    expect(edge.confident).toBe(false);
  });

  it('the band is the narrowest whose confident predictions reach the target agreement, balanced over outcomes', () => {
    const scored = [
      { p: 0.95, y: 1 as const },
      { p: 0.9, y: 1 as const },
      { p: 0.6, y: 0 as const },
      { p: 0.55, y: 1 as const },
      { p: 0.1, y: 0 as const },
    ];
    // balanced accuracy, the mean over outcomes of the share right: band 0: reached 3/3, not 1/2 → 0.75; 0.06 drops
    // p = 0.55 (2/2, 1/2 → 0.75); 0.11 drops p = 0.6 as well (2/2, 1/1 → 1)
    expect(chooseBand(scored, 0.7)).toBe(0);
    expect(chooseBand(scored, 0.8)).toBe(0.11);
    expect(chooseBand(scored, 0.95)).toBe(0.11);
    // "no" everywhere on a corpus of mostly negatives is right 90% of the time, and never confident
    const allNo = Array.from({ length: 100 }, (_, i) => ({ p: 0.2, y: (i < 10 ? 1 : 0) as 0 | 1 }));
    expect(chooseBand(allNo, 0.9)).toBe(0.45);
  });

  it('refuses a corpus of one task or one outcome', () => {
    expect(() =>
      fitBudgetModel(
        corpus(20, 2).map((r) => ({ ...r, task: 'one' })),
        { level: 0.99, window: W, featureNames: ['a', 'b'] },
      ),
    ).toThrow(/at least 2 tasks, got 1/);
    expect(() =>
      fitBudgetModel(
        corpus(20, 3).map((r) => ({ ...r, tLevel: null })),
        { level: 0.99, window: W, featureNames: ['a', 'b'] },
      ),
    ).toThrow(/same outcome/);
  });
});
