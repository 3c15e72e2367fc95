// L2-regularised logistic regression for the grokking predictor: a handful of spectral features per run, a label
// "reached 99% validation accuracy within the budget", a few dozen to a few thousand finished runs.
//
// Objective (scikit-learn's LogisticRegression with C = 1/l2, penalty 'l2', intercept not penalised):
//   minimise  Σ_i [ log(1 + e^{η_i}) − y_i·η_i ] + (l2 / 2)·‖w‖²,   η_i = b + w·z_i,
// where z_i are the features standardised with the training set's mean and population standard deviation (a
// feature with no spread gets scale 1, so it stays 0 and its weight is held at 0 by the penalty).
// Solved by Newton's method (the Hessian is (d+1)×(d+1)) with a backtracking line search; converges in ~10 steps.
import { cholesky, choleskySolve } from './linalg';
import { seededRandom, shuffleInPlace } from './rng';

export interface LogisticOptions {
  /** L2 penalty strength λ (= 1/C in scikit-learn terms); default 1 */
  l2?: number;
  /** standardise features with the training set's mean and std (default true) */
  standardize?: boolean;
  /** Newton iterations at most (default 100) */
  maxIter?: number;
  /** stop when the Newton decrement gᵀH⁻¹g / 2 falls below this (default 1e-12) */
  tol?: number;
}

export interface LogisticModel {
  /** weights on the standardised features (on the raw features when standardize is false) */
  weights: number[];
  intercept: number;
  /** per-feature mean and scale used to standardise (0 and 1 when standardize is false) */
  mean: number[];
  scale: number[];
  l2: number;
  /** value of the objective at the solution */
  objective: number;
  iterations: number;
  converged: boolean;
}

export type FeatureRows = ReadonlyArray<ArrayLike<number>>;

/** log(1 + e^x) without overflow. */
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function checkFeatures(X: FeatureRows, what: string): number {
  if (X.length === 0) throw new RangeError(`${what}: no rows`);
  const d = X[0]!.length;
  if (d === 0) throw new RangeError(`${what}: rows have no features`);
  for (let i = 0; i < X.length; i++) {
    const row = X[i]!;
    if (row.length !== d) throw new RangeError(`${what}: row ${i} has ${row.length} features, row 0 has ${d}`);
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(row[j]!)) throw new RangeError(`${what}: feature ${j} of row ${i} is ${String(row[j])}`);
    }
  }
  return d;
}

function checkLabels(y: ArrayLike<number>, n: number, what: string): { ones: number; zeros: number } {
  if (y.length !== n) throw new RangeError(`${what}: ${n} feature rows but ${y.length} labels`);
  let ones = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new RangeError(`${what}: label ${i} is ${String(v)}, labels must be 0 or 1`);
    ones += v;
  }
  return { ones, zeros: n - ones };
}

export function fitLogistic(X: FeatureRows, y: ArrayLike<number>, opts: LogisticOptions = {}): LogisticModel {
  const l2 = opts.l2 ?? 1;
  const standardize = opts.standardize ?? true;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-12;
  if (!(Number.isFinite(l2) && l2 > 0)) throw new RangeError(`logistic l2 penalty must be > 0, got ${String(l2)}`);
  const d = checkFeatures(X, 'logistic regression');
  const n = X.length;
  const { ones, zeros } = checkLabels(y, n, 'logistic regression');
  if (ones === 0 || zeros === 0) {
    throw new RangeError(`logistic regression needs examples of both outcomes; all ${n} labels are ${ones === 0 ? 0 : 1}`);
  }

  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(1);
  if (standardize) {
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += X[i]![j]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (X[i]![j]! - m) ** 2;
      const sd = Math.sqrt(v / n);
      mean[j] = m;
      scale[j] = sd > 0 ? sd : 1;
    }
  }
  const Z = X.map((row) => Float64Array.from({ length: d }, (_, j) => (row[j]! - mean[j]!) / scale[j]!));

  // θ = [b, w_1 .. w_d]
  const p = d + 1;
  let theta = new Array<number>(p).fill(0);
  const eta = (th: number[], z: Float64Array): number => {
    let s = th[0]!;
    for (let j = 0; j < d; j++) s += th[j + 1]! * z[j]!;
    return s;
  };
  const objective = (th: number[]): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const e = eta(th, Z[i]!);
      f += softplus(e) - y[i]! * e;
    }
    for (let j = 1; j < p; j++) f += 0.5 * l2 * th[j]! ** 2;
    return f;
  };

  let f = objective(theta);
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    const g = new Array<number>(p).fill(0);
    const H: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      const pr = sigmoid(eta(theta, z));
      const r = pr - y[i]!;
      const s = Math.max(pr * (1 - pr), 1e-300);
      g[0]! += r;
      H[0]![0]! += s;
      for (let a = 0; a < d; a++) {
        g[a + 1]! += r * z[a]!;
        H[a + 1]![0]! += s * z[a]!;
        for (let c = 0; c <= a; c++) H[a + 1]![c + 1]! += s * z[a]! * z[c]!;
      }
    }
    for (let j = 1; j < p; j++) {
      g[j]! += l2 * theta[j]!;
      H[j]![j]! += l2;
    }
    for (let a = 0; a < p; a++) for (let c = a + 1; c < p; c++) H[a]![c] = H[c]![a]!;
    const L = cholesky(H);
    // H is positive definite (λ > 0 and s > 0); a null factor means round-off: fall back to a gradient step.
    const step = L ? choleskySolve(L, g) : g.slice();
    const decrement = step.reduce((acc, v, j) => acc + v * g[j]!, 0) / 2;
    if (decrement < tol) {
      converged = true;
      break;
    }
    let t = 1;
    let next = theta.map((v, j) => v - t * step[j]!);
    let fNext = objective(next);
    while (fNext > f - 1e-4 * t * 2 * decrement && t > 1e-10) {
      t /= 2;
      next = theta.map((v, j) => v - t * step[j]!);
      fNext = objective(next);
    }
    if (!(fNext <= f)) {
      converged = true; // no further decrease possible in floating point
      break;
    }
    theta = next;
    f = fNext;
  }
  return {
    weights: theta.slice(1),
    intercept: theta[0]!,
    mean,
    scale,
    l2,
    objective: f,
    iterations,
    converged,
  };
}

/** P(y = 1 | x) for each row. */
export function predictProba(model: LogisticModel, X: FeatureRows): number[] {
  if (X.length === 0) return [];
  const d = checkFeatures(X, 'logistic prediction');
  if (d !== model.weights.length) {
    throw new RangeError(`logistic prediction: rows have ${d} features, the model was fitted on ${model.weights.length}`);
  }
  return X.map((row) => {
    let e = model.intercept;
    for (let j = 0; j < d; j++) e += (model.weights[j]! * (row[j]! - model.mean[j]!)) / model.scale[j]!;
    return sigmoid(e);
  });
}

export interface FoldResult {
  /** indices (into X) of this fold's held-out rows */
  test: number[];
  /** held-out rows classified correctly at threshold 0.5 */
  correct: number;
  accuracy: number;
}

export interface CrossValidation {
  k: number;
  /** pooled held-out accuracy: Σ correct / n */
  accuracy: number;
  /** mean of the per-fold accuracies (what scikit-learn's cross_val_score averages) */
  meanFoldAccuracy: number;
  folds: FoldResult[];
  /** out-of-fold P(y = 1) for every row */
  probabilities: number[];
}

/** The fold (0..k−1) of each row: each class shuffled (seeded) and dealt round-robin into the folds. */
export function stratifiedFoldOf(y: ArrayLike<number>, k: number, seed: number): number[] {
  const n = y.length;
  const rng = seededRandom(seed);
  const byClass = [0, 1].map((c) =>
    shuffleInPlace(
      Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === c),
      rng,
    ),
  );
  const foldOf = new Array<number>(n);
  let slot = 0;
  for (const members of byClass) for (const i of members) foldOf[i] = slot++ % k;
  return foldOf;
}

/**
 * Stratified k-fold cross-validation: each class is shuffled (seeded) and dealt round-robin into the folds, so every
 * fold has each class in proportion and every training set has both classes. Needs 2 ≤ k ≤ n and at least 2
 * examples of each class.
 */
export function crossValidate(X: FeatureRows, y: ArrayLike<number>, k: number, seed: number, opts: LogisticOptions = {}): CrossValidation {
  checkFeatures(X, 'cross-validation');
  const n = X.length;
  const { ones, zeros } = checkLabels(y, n, 'cross-validation');
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new RangeError(`cross-validation needs an integer number of folds in [2, ${n}], got ${String(k)}`);
  }
  if (ones < 2 || zeros < 2) {
    throw new RangeError(`cross-validation needs at least 2 examples of each outcome; got ${ones} positive and ${zeros} negative`);
  }
  const foldOf = stratifiedFoldOf(y, k, seed);

  const probabilities = new Array<number>(n).fill(Number.NaN);
  const folds: FoldResult[] = [];
  let correctTotal = 0;
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    const model = fitLogistic(
      train.map((i) => X[i]!),
      train.map((i) => y[i]!),
      opts,
    );
    const probs = predictProba(
      model,
      test.map((i) => X[i]!),
    );
    let correct = 0;
    test.forEach((i, j) => {
      probabilities[i] = probs[j]!;
      if ((probs[j]! >= 0.5 ? 1 : 0) === y[i]) correct++;
    });
    correctTotal += correct;
    folds.push({ test, correct, accuracy: correct / test.length });
  }
  return {
    k,
    accuracy: correctTotal / n,
    meanFoldAccuracy: folds.reduce((s, fr) => s + fr.accuracy, 0) / k,
    folds,
    probabilities,
  };
}
