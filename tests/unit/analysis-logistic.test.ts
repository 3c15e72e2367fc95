import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossValidate, fitLogistic, predictProba } from '../../src/shared/analysis/logistic';
import { seededRandom } from '../../src/shared/analysis/rng';

interface Case {
  l2: number;
  standardize: boolean;
  X: number[][];
  X_new: number[][];
  expected: { intercept: number; weights: number[]; objective: number; mean: number[]; scale: number[] };
  proba_new: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/logistic.json', import.meta.url), 'utf8')) as {
  y: number[];
  cases: Case[];
};

describe('fitLogistic against scipy.optimize on the same objective (fixture from gen_logistic.py)', () => {
  for (const c of fixture.cases) {
    it(`l2 = ${c.l2}, standardize = ${c.standardize}`, () => {
      const m = fitLogistic(c.X, fixture.y, { l2: c.l2, standardize: c.standardize });
      expect(m.converged).toBe(true);
      expect(m.iterations).toBeLessThan(30);
      expect(m.intercept).toBeCloseTo(c.expected.intercept, 8);
      m.weights.forEach((w, j) => expect(w).toBeCloseTo(c.expected.weights[j]!, 8));
      m.mean.forEach((v, j) => expect(v).toBeCloseTo(c.expected.mean[j]!, 12));
      m.scale.forEach((v, j) => expect(v).toBeCloseTo(c.expected.scale[j]!, 12));
      expect(Math.abs(m.objective - c.expected.objective) / c.expected.objective).toBeLessThan(1e-12);
      predictProba(m, c.X_new).forEach((p, i) => expect(p).toBeCloseTo(c.proba_new[i]!, 8));
    });
  }
});

describe('fitLogistic behaviour', () => {
  it('holds separable data finite through the penalty and classifies it', () => {
    const X = [[-2], [-1], [-0.5], [0.5], [1], [2]];
    const y = [0, 0, 0, 1, 1, 1];
    const m = fitLogistic(X, y, { l2: 0.01 });
    expect(m.converged).toBe(true);
    expect(Number.isFinite(m.weights[0]!)).toBe(true);
    const p = predictProba(m, X);
    p.forEach((v, i) => expect(v >= 0.5 ? 1 : 0).toBe(y[i]));
    // Symmetric data: P(y=1 | x=0) = 1/2.
    expect(predictProba(m, [[0]])[0]).toBeCloseTo(0.5, 10);
  });

  it('shrinks the weights as the penalty grows', () => {
    const c = fixture.cases[0]!;
    const norms = [0.01, 1, 100].map((l2) => Math.hypot(...fitLogistic(c.X, fixture.y, { l2 }).weights));
    expect(norms[0]).toBeGreaterThan(norms[1]!);
    expect(norms[1]).toBeGreaterThan(norms[2]!);
  });

  it('rejects bad input with a message naming the problem', () => {
    expect(() => fitLogistic([[1], [2]], [1, 1])).toThrow(/both outcomes; all 2 labels are 1/);
    expect(() => fitLogistic([[1], [2]], [0, 2])).toThrow(/label 1 is 2/);
    expect(() => fitLogistic([[1], [Number.NaN]], [0, 1])).toThrow(/feature 0 of row 1 is NaN/);
    expect(() => fitLogistic([[1, 2], [3]], [0, 1])).toThrow(/row 1 has 1 features/);
    expect(() => fitLogistic([[1], [2]], [0])).toThrow(/2 feature rows but 1 labels/);
    expect(() => fitLogistic([[1], [2]], [0, 1], { l2: 0 })).toThrow(/l2/);
    const m = fitLogistic([[1], [2]], [0, 1]);
    expect(() => predictProba(m, [[1, 2]])).toThrow(/fitted on 1/);
  });
});

describe('crossValidate', () => {
  it('is stratified, covers every row once and repeats for a seed', () => {
    const c = fixture.cases[0]!;
    const cv = crossValidate(c.X, fixture.y, 5, 7);
    const seen = cv.folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: c.X.length }, (_, i) => i));
    const positives = fixture.y.reduce((s, v) => s + v, 0);
    for (const f of cv.folds) {
      const pos = f.test.filter((i) => fixture.y[i] === 1).length;
      expect(Math.abs(pos - positives / 5)).toBeLessThanOrEqual(1);
    }
    expect(crossValidate(c.X, fixture.y, 5, 7)).toEqual(cv);
    expect(crossValidate(c.X, fixture.y, 5, 8).folds[0]!.test).not.toEqual(cv.folds[0]!.test);
  });

  it('each held-out probability is the model fitted on the other folds', () => {
    const c = fixture.cases[0]!;
    const cv = crossValidate(c.X, fixture.y, 4, 1);
    const fold = cv.folds[2]!;
    const train = c.X.map((_, i) => i).filter((i) => !fold.test.includes(i));
    const m = fitLogistic(
      train.map((i) => c.X[i]!),
      train.map((i) => fixture.y[i]!),
    );
    const p = predictProba(
      m,
      fold.test.map((i) => c.X[i]!),
    );
    fold.test.forEach((i, j) => expect(cv.probabilities[i]).toBeCloseTo(p[j]!, 12));
    const correct = fold.test.filter((i, j) => (p[j]! >= 0.5 ? 1 : 0) === fixture.y[i]).length;
    expect(fold.correct).toBe(correct);
  });

  it('scores a learnable problem well and label noise near chance', () => {
    const c = fixture.cases[0]!;
    expect(crossValidate(c.X, fixture.y, 5, 0).accuracy).toBeGreaterThan(0.75);
    const rng = seededRandom(99);
    const X = Array.from({ length: 200 }, () => [rng.normal(), rng.normal()]);
    const y = X.map(() => (rng.next() < 0.5 ? 1 : 0));
    const acc = crossValidate(X, y, 5, 0).accuracy;
    expect(acc).toBeGreaterThan(0.35);
    expect(acc).toBeLessThan(0.65);
  });

  it('explains what it cannot do', () => {
    const X = [[1], [2], [3], [4]];
    expect(() => crossValidate(X, [0, 0, 0, 1], 2, 0)).toThrow(/at least 2 examples of each outcome; got 1 positive and 3 negative/);
    expect(() => crossValidate(X, [0, 0, 1, 1], 5, 0)).toThrow(/folds in \[2, 4\], got 5/);
    expect(() => crossValidate(X, [0, 0, 1, 1], 1, 0)).toThrow(/folds/);
  });
});
