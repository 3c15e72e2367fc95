// Which of the early features, and which L2 strength, the user-calibrated predictor uses (issue 19: predictor
// honesty): chosen by stratified cross-validation over every feature subset × strength, and scored by nested cross-
// validation, the whole choice made again inside each outer fold, since the choice's own score is optimistic.
import { crossValidate, fitLogistic, predictProba, stratifiedFoldOf, type FeatureRows } from './logistic';

/** The L2 strengths the calibration chooses among (λ = 1/C). */
export const L2_CHOICES = [0.1, 1, 10] as const;

/** A candidate model: which features (indices into a row) and which L2 strength. */
export interface Candidate {
  features: number[];
  l2: number;
}

/** Every non-empty subset of d features × every L2 strength, fewest features first. */
export function candidates(d: number): Candidate[] {
  const subsets: number[][] = [];
  for (let mask = 1; mask < 1 << d; mask++) subsets.push(Array.from({ length: d }, (_, j) => j).filter((j) => mask & (1 << j)));
  subsets.sort((a, b) => a.length - b.length);
  return subsets.flatMap((features) => L2_CHOICES.map((l2) => ({ features, l2 })));
}

/** The rows' values in the given columns. */
export const columns = (X: FeatureRows, cols: readonly number[]): number[][] => X.map((row) => cols.map((j) => row[j]!));

/** Folds for rows with `pos` and `neg` of each outcome: up to 5, at least 2 of each outcome in every training set. */
const foldsFor = (pos: number, neg: number): number => Math.min(5, pos, neg);

/**
 * The candidate with the best stratified k-fold accuracy on (X, y) (ties: lower out-of-fold log-loss, then fewer
 * features, then the stronger penalty), with that accuracy: the choice, and its optimistic score.
 */
export function chooseModel(X: FeatureRows, y: readonly number[], seed: number): Candidate & { accuracy: number } {
  const pos = y.filter((v) => v === 1).length;
  const k = foldsFor(pos, y.length - pos);
  let best: (Candidate & { accuracy: number; logLoss: number }) | null = null;
  for (const c of candidates(X[0]!.length)) {
    const cv = crossValidate(columns(X, c.features), y, k, seed, { l2: c.l2 });
    const logLoss = cv.probabilities.reduce((s, p, i) => s - Math.log(Math.max(1e-15, y[i] === 1 ? p : 1 - p)), 0) / y.length;
    const better =
      best === null ||
      cv.accuracy > best.accuracy ||
      (cv.accuracy === best.accuracy &&
        (logLoss < best.logLoss - 1e-12 ||
          (Math.abs(logLoss - best.logLoss) <= 1e-12 && (c.features.length < best.features.length || c.l2 > best.l2))));
    if (better) best = { ...c, accuracy: cv.accuracy, logLoss };
  }
  return { features: best!.features, l2: best!.l2, accuracy: best!.accuracy };
}

/**
 * Nested cross-validation of chooseModel: stratified outer folds (as crossValidate deals them); in each, the feature
 * and L2 choice is made on the outer training runs alone (their own inner folds), the chosen model fitted on them and
 * scored on the outer held-out runs. Returns the pooled held-out accuracy and each outer fold's choice.
 */
export function nestedCrossValidate(
  X: FeatureRows,
  y: readonly number[],
  k: number,
  seed: number,
): { accuracy: number; choices: Candidate[] } {
  const foldOf = stratifiedFoldOf(y, k, seed);
  const outer = Array.from({ length: k }, (_, f) => y.map((_, i) => i).filter((i) => foldOf[i] === f));
  let correct = 0;
  const choices: Candidate[] = [];
  for (const test of outer) {
    const held = new Set(test);
    const train = y.map((_, i) => i).filter((i) => !held.has(i));
    const Xt = train.map((i) => X[i]!);
    const yt = train.map((i) => y[i]!);
    const c = chooseModel(Xt, yt, seed + 1);
    choices.push({ features: c.features, l2: c.l2 });
    const model = fitLogistic(columns(Xt, c.features), yt, { l2: c.l2 });
    const probs = predictProba(
      model,
      columns(
        test.map((i) => X[i]!),
        c.features,
      ),
    );
    test.forEach((i, j) => {
      if ((probs[j]! >= 0.5 ? 1 : 0) === y[i]) correct++;
    });
  }
  return { accuracy: correct / y.length, choices };
}
