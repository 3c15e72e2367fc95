// The grokking predictor of 000 §3: from the first W updates of a run, will its validation accuracy reach 99% within
// its budget? Two forms:
//   - the default rule, usable from the first run: oscillation in the early training loss (the spectral energy of
//     the detrended, high-passed window, relative to the window's total energy) above a threshold means "will grok";
//   - a calibrated model: L2 logistic regression on the early features, fitted on the user's finished runs, with its
//     stratified k-fold accuracy reported beside every prediction.
// Features are scale-free (relative energies in decades, Hjorth shape parameters, accuracies), so runs of different
// tasks and losses can share one model.
import { crossValidate, fitLogistic, predictProba, type LogisticModel } from './logistic';
import { spectralSignature, type SpectralOptions, type SpectralSignature } from './spectral';

/** The metric holding each update's training (mini)batch loss, recorded by the training loop for the first updates. */
export const STEP_LOSS_METRIC = 'step_loss';

export const PREDICTOR_FEATURES = [
  'log10 relative spectral energy',
  'log10 relative low-band energy',
  'Hjorth mobility',
  'Hjorth complexity',
  'train accuracy at W',
  'validation accuracy at W',
] as const;

/** What the predictor reads from a run: the per-update training loss of its first W updates and the accuracies at W. */
export interface EarlyRun {
  /** training loss of updates 1..W (at least `window` values; extra values are ignored) */
  stepLoss: ArrayLike<number>;
  trainAccAtW: number;
  valAccAtW: number;
}

/** A floor for energies in decades: a perfectly smooth window would be −∞. */
const ENERGY_FLOOR = 1e-12;

export interface EarlyFeatures {
  signature: SpectralSignature;
  /** in PREDICTOR_FEATURES order */
  values: number[];
}

export function earlyFeatures(run: EarlyRun, opts: SpectralOptions = {}): EarlyFeatures {
  const sig = spectralSignature(run.stepLoss, opts);
  let total = 0;
  for (let i = 0; i < sig.window; i++) total += run.stepLoss[i]! ** 2;
  const rel = (e: number) => Math.log10(Math.max(ENERGY_FLOOR, total > 0 ? e / total : 0));
  return {
    signature: sig,
    values: [rel(sig.energy), rel(sig.lowBandEnergy), sig.mobility, sig.complexity, run.trainAccAtW, run.valAccAtW],
  };
}

/**
 * The default rule: "will grok" when log10(relative spectral energy) ≥ threshold. Its probability is a logistic of the
 * distance to the threshold in decades (width 0.5 decade): a confidence shape, not a calibrated probability, which is
 * why predictions say which form produced them.
 */
export const DEFAULT_RULE = { feature: 0, threshold: -2.5, widthDecades: 0.5 } as const;

export function ruleProbability(features: readonly number[]): number {
  const z = (features[DEFAULT_RULE.feature]! - DEFAULT_RULE.threshold) / DEFAULT_RULE.widthDecades;
  return 1 / (1 + Math.exp(-z));
}

/** A finished run as a training example: its early features and whether it reached 99% validation accuracy. */
export interface LabelledRun {
  runId: number;
  features: number[];
  grokked: boolean;
}

export interface CalibratedPredictor {
  model: LogisticModel;
  /** pooled out-of-fold accuracy of stratified k-fold cross-validation */
  cvAccuracy: number;
  folds: number;
  trainedOn: number;
  positives: number;
}

/** Fewest finished runs, and of each outcome, before a model is fitted instead of using the rule. */
export const MIN_RUNS_TO_CALIBRATE = 8;
export const MIN_PER_OUTCOME = 3;

/** Fits the calibrated model, or says why it cannot (too few runs, or only one outcome). */
export function calibrate(examples: readonly LabelledRun[], seed = 0): CalibratedPredictor | { reason: string } {
  const positives = examples.filter((e) => e.grokked).length;
  const negatives = examples.length - positives;
  if (examples.length < MIN_RUNS_TO_CALIBRATE) {
    return { reason: `${examples.length} finished runs with an early window; calibration needs ${MIN_RUNS_TO_CALIBRATE}` };
  }
  if (positives < MIN_PER_OUTCOME || negatives < MIN_PER_OUTCOME) {
    return { reason: `${positives} runs grokked and ${negatives} did not; calibration needs ${MIN_PER_OUTCOME} of each` };
  }
  const X = examples.map((e) => e.features);
  const y = examples.map((e) => (e.grokked ? 1 : 0));
  const folds = Math.min(5, positives, negatives);
  const cv = crossValidate(X, y, folds, seed);
  return { model: fitLogistic(X, y), cvAccuracy: cv.accuracy, folds, trainedOn: examples.length, positives };
}

export interface Prediction {
  willGrok: boolean;
  /** P(reaches 99% validation accuracy within its budget) */
  probability: number;
  /** the update count the prediction was made at (= W) */
  atStep: number;
  method: 'rule' | 'calibrated';
  /** cross-validated accuracy of the calibrated model; null for the rule */
  cvAccuracy: number | null;
  trainedOn: number;
  /** why the rule was used, when it was */
  note: string | null;
  features: Record<(typeof PREDICTOR_FEATURES)[number], number>;
}

export function predict(features: EarlyFeatures, calibrated: CalibratedPredictor | { reason: string }): Prediction {
  const named = Object.fromEntries(PREDICTOR_FEATURES.map((n, i) => [n, features.values[i]!])) as Prediction['features'];
  if ('model' in calibrated) {
    const p = predictProba(calibrated.model, [features.values])[0]!;
    return {
      willGrok: p >= 0.5,
      probability: p,
      atStep: features.signature.window,
      method: 'calibrated',
      cvAccuracy: calibrated.cvAccuracy,
      trainedOn: calibrated.trainedOn,
      note: null,
      features: named,
    };
  }
  const p = ruleProbability(features.values);
  return {
    willGrok: p >= 0.5,
    probability: p,
    atStep: features.signature.window,
    method: 'rule',
    cvAccuracy: null,
    trainedOn: 0,
    note: calibrated.reason,
    features: named,
  };
}
