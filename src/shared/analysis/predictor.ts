// The grokking predictor of 000 §3: from the first W updates of a run, will its validation accuracy reach 99% within
// its budget? Two forms:
//   - the default rule, usable from the first run: oscillation in the early training loss (the spectral energy of
//     the detrended, high-passed window, relative to the window's total energy) above a threshold means "will grok";
//   - a calibrated model: L2 logistic regression on the early features, fitted on the user's finished runs. Which of
//     the features it uses and its L2 strength are chosen by cross-validation on those runs, so the accuracy reported
//     beside every prediction is nested: the whole choice is made again inside each outer fold and scored only on
//     that fold's held-out runs (the choice's own cross-validated score, on the runs it was chosen on, is optimistic).
// The features (EARLY_FEATURES) are scale-free, so runs of different tasks and losses can share one model.
import { fitLogistic, predictProba, type LogisticModel } from './logistic';
import { chooseModel, columns, nestedCrossValidate } from './predictor-model-choice';
import { spectralSignature, type SpectralOptions, type SpectralSignature } from './spectral';

/** The metric holding each update's training (mini)batch loss, recorded by the training loop for the first updates. */
export const STEP_LOSS_METRIC = 'step_loss';

/** Updates whose own (mini)batch loss the training loop records as STEP_LOSS_METRIC (000 §3 uses the first 400; room
 *  for longer spectral windows). A shipped model's window may be longer: it reads the spectral part from these. */
export const STEP_LOSS_UPDATES = 1000;

/** Values of the evaluation metrics at updates 0, W/2 and W (each the last evaluation at or before that update). */
export type AtZeroHalfW = readonly [number, number, number];

/** What the training loop records at every evaluation, read at 0, W/2 and W: the mechanism of 003 (weight decay
 *  must bring the weight norm down into the "Goldilocks zone" before the validation loss can fall). */
export interface EarlyTrajectory {
  valLoss: AtZeroHalfW;
  trainLoss: AtZeroHalfW;
  /** total L2 norm of the weights */
  weightNorm: AtZeroHalfW;
  /** cos(θ_W, θ_0) */
  cosInitAtW: number;
}

/** What the predictor reads from a run: the per-update training loss of its first W updates, the accuracies at W,
 *  the evaluation metrics at 0, W/2 and W, and its budget. */
export interface EarlyRun {
  /** training loss of updates 1..W (at least `window` values; extra values are ignored) */
  stepLoss: ArrayLike<number>;
  trainAccAtW: number;
  valAccAtW: number;
  trajectory: EarlyTrajectory;
  /** the run's budget in updates */
  budget: number;
  /** the optimiser's settings (absent for runs read by older callers: the features that need them are then NaN) */
  hyper?: EarlyHyper;
}

/** The settings that set 003's clock: weight decay shrinks the weights by a factor (1 − lr·wd) per update. */
export interface EarlyHyper {
  lr: number;
  weightDecay: number;
  /** Omnigrok's α, the initial weight norm's multiplier */
  initScale: number;
  /** the training fraction r (1 when the task has none) */
  trainFraction: number;
}

/** A floor for energies in decades: a perfectly smooth window would be −∞. */
const ENERGY_FLOOR = 1e-12;

interface FeatureInput {
  run: EarlyRun;
  sig: SpectralSignature;
  /** energy relative to the window's total, in decades */
  rel: (energy: number) => number;
}

/** Log-ratio of the trend over [W/2, W] carried on over the rest of the budget, in decades: a longer budget is seen. */
const projected = (v: AtZeroHalfW, { run, sig }: FeatureInput) =>
  (Math.log10(v[2] / v[1]) * Math.max(0, run.budget - sig.window)) / (sig.window / 2);

/**
 * Every early feature, by name. All are scale-free (relative energies in decades, Hjorth shape parameters,
 * accuracies, ratios of losses and weight norms in decades, a cosine), so runs of different tasks and losses can
 * share one model. The predictor uses PREDICTOR_FEATURES of them; the others stay for comparison
 * (scripts/predictor-cv.ts).
 */
export const EARLY_FEATURES = {
  // the spectral signature of the early loss and the accuracies at W (000 §3)
  'log10 relative spectral energy': ({ sig, rel }: FeatureInput) => rel(sig.energy),
  'log10 relative low-band energy': ({ sig, rel }: FeatureInput) => rel(sig.lowBandEnergy),
  'Hjorth mobility': ({ sig }: FeatureInput) => sig.mobility,
  'Hjorth complexity': ({ sig }: FeatureInput) => sig.complexity,
  'train accuracy at W': ({ run }: FeatureInput) => run.trainAccAtW,
  'validation accuracy at W': ({ run }: FeatureInput) => run.valAccAtW,
  // the trajectory of the weight norm and the losses (003)
  'validation-loss trend over [W/2, W] (decades)': ({ run }: FeatureInput) =>
    Math.log10(run.trajectory.valLoss[2] / run.trajectory.valLoss[1]),
  'weight-norm change over [0, W] (decades)': ({ run }: FeatureInput) =>
    Math.log10(run.trajectory.weightNorm[2] / run.trajectory.weightNorm[0]),
  'weight-norm trend projected to the budget (decades)': (x: FeatureInput) => projected(x.run.trajectory.weightNorm, x),
  'validation-loss trend projected to the budget (decades)': (x: FeatureInput) => projected(x.run.trajectory.valLoss, x),
  'train loss at W (decades)': ({ run }: FeatureInput) => Math.log10(run.trajectory.trainLoss[2]),
  'validation / train loss at W (decades)': ({ run }: FeatureInput) => Math.log10(run.trajectory.valLoss[2] / run.trajectory.trainLoss[2]),
  'cos(θ_W, θ_0)': ({ run }: FeatureInput) => run.trajectory.cosInitAtW,
  // 003's clock: how many e-folds weight decay alone takes off the weight norm within the budget, and the start
  'weight-decay e-folds in the budget, lr·wd·B (decades)': ({ run }: FeatureInput) =>
    run.hyper ? Math.log10(run.hyper.lr * run.hyper.weightDecay * run.budget) : NaN,
  'learning rate × budget, lr·B (decades)': ({ run }: FeatureInput) => (run.hyper ? Math.log10(run.hyper.lr * run.budget) : NaN),
  'initial scale α (decades)': ({ run }: FeatureInput) => (run.hyper ? Math.log10(run.hyper.initScale) : NaN),
  'training fraction r': ({ run }: FeatureInput) => (run.hyper ? run.hyper.trainFraction : NaN),
} as const;

export type EarlyFeatureName = keyof typeof EARLY_FEATURES;

/**
 * The features the predictor uses, the default rule's first. Chosen by cross-validation on history grids only
 * (a − b, a · b, a / b mod 31; leave-one-task-out accuracy 45/48 against 38/48 for the six spectral and accuracy
 * features alone; BENCHMARKS.md, "Sweeps"): the oscillation energy and validation accuracy of 000 §3, the weight
 * norm's change over the window and its trend projected to the budget, and the validation loss's projected trend.
 */
export const PREDICTOR_FEATURES = [
  'log10 relative spectral energy',
  'validation accuracy at W',
  'weight-norm change over [0, W] (decades)',
  'weight-norm trend projected to the budget (decades)',
  'validation-loss trend projected to the budget (decades)',
] as const satisfies readonly EarlyFeatureName[];

export interface EarlyFeatures {
  signature: SpectralSignature;
  /** in PREDICTOR_FEATURES order */
  values: number[];
}

/** The value of every early feature of a run. Throws RangeError for a window shorter than W. */
/** `sig`: the window's spectral signature when the caller has it already (the same run read at several budgets:
 *  only the projected features and the weight-decay clock depend on the budget). */
export function allEarlyFeatures(
  run: EarlyRun,
  opts: SpectralOptions = {},
  sig: SpectralSignature = spectralSignature(run.stepLoss, opts),
): { signature: SpectralSignature; all: Record<EarlyFeatureName, number> } {
  let total = 0;
  for (let i = 0; i < sig.window; i++) total += run.stepLoss[i]! ** 2;
  const rel = (e: number) => Math.log10(Math.max(ENERGY_FLOOR, total > 0 ? e / total : 0));
  const input = { run, sig, rel };
  const all = Object.fromEntries(Object.entries(EARLY_FEATURES).map(([n, f]) => [n, f(input)])) as Record<EarlyFeatureName, number>;
  return { signature: sig, all };
}

/** The predictor's features of a run. Throws RangeError for a short window or a feature that is not finite (a loss
 *  or weight norm of 0 or below). */
export function earlyFeatures(run: EarlyRun, opts: SpectralOptions = {}): EarlyFeatures {
  const { signature, all } = allEarlyFeatures(run, opts);
  const values = PREDICTOR_FEATURES.map((n) => all[n]);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`early feature "${PREDICTOR_FEATURES[bad]}" is ${values[bad]} (a loss or weight norm of 0 or below?)`);
  return { signature, values };
}

/**
 * The default rule: "will grok" when log10(relative spectral energy) ≥ threshold. Its probability is a logistic of the
 * distance to the threshold in decades (width 0.5 decade): a confidence shape, not a calibrated probability, which is
 * why predictions say which form produced them.
 */
export const DEFAULT_RULE = { feature: 0, threshold: -2.5, widthDecades: 0.5 } as const;

/** Where the default rule's threshold comes from, for every place that shows it: 000 §3 gives none. */
export const RULE_THRESHOLD_ORIGIN = "Grokscope's own threshold (000 §3 gives none), not fitted to your runs";

/** The default rule in words, for the CLI: "energy ≥ 10^-2.5 of the window's energy (here 10^-1.83), Grokscope's own
 *  threshold …". */
export function ruleWords(p: Pick<Prediction, 'features'>): string {
  return `oscillation energy ≥ 10^${DEFAULT_RULE.threshold} of the window's energy (here 10^${p.features['log10 relative spectral energy'].toFixed(2)}), ${RULE_THRESHOLD_ORIGIN}`;
}

export function ruleProbability(features: readonly number[]): number {
  const z = (features[DEFAULT_RULE.feature]! - DEFAULT_RULE.threshold) / DEFAULT_RULE.widthDecades;
  return 1 / (1 + Math.exp(-z));
}

/** A finished run as a training example: its early features and whether it reached 99% validation accuracy. */
export interface LabelledRun {
  runId: number;
  features: number[];
  grokked: boolean;
  /** the run's task in words, without its data knobs (e.g. "a-b mod 31"): what a calibration learnt from, by task */
  task?: string;
}

/** How many calibration runs came from one task. */
export interface TaskCount {
  task: string;
  runs: number;
}

export interface CalibratedPredictor {
  /** fitted on all the runs with the chosen features (`features`) and L2 strength (`model.l2`) */
  model: LogisticModel;
  /** the features the model reads: indices into PREDICTOR_FEATURES, chosen by cross-validation */
  features: number[];
  /** nested cross-validation: pooled accuracy on the outer folds' held-out runs, the feature and L2 choice made again
   *  inside each outer fold from its training runs alone. The honest number, shown beside every prediction. */
  cvAccuracy: number;
  /** the chosen candidate's own cross-validated accuracy on all the runs it was chosen on: optimistic (the best of
   *  CANDIDATES scores), kept for comparison, not shown as the model's accuracy */
  selectionCvAccuracy: number;
  /** outer folds */
  folds: number;
  trainedOn: number;
  positives: number;
  /** the runs by task, most runs first */
  tasks: TaskCount[];
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
  const nested = nestedCrossValidate(X, y, folds, seed);
  const chosen = chooseModel(X, y, seed);
  const byTask = new Map<string, number>();
  for (const e of examples) {
    const task = e.task ?? 'unknown task';
    byTask.set(task, (byTask.get(task) ?? 0) + 1);
  }
  const tasks = [...byTask].map(([task, runs]) => ({ task, runs })).sort((a, b) => b.runs - a.runs || a.task.localeCompare(b.task));
  return {
    model: fitLogistic(columns(X, chosen.features), y, { l2: chosen.l2 }),
    features: chosen.features,
    cvAccuracy: nested.accuracy,
    selectionCvAccuracy: chosen.accuracy,
    folds,
    trainedOn: examples.length,
    positives,
    tasks,
  };
}

/** What the shipped predictor says (predictor-shipped.ts), as stored with a prediction. */
export interface WithinBudget {
  level: number;
  budget: number;
  /** false: "no confident prediction" (p inside the model's band around 1/2) */
  confident: boolean;
  /** t_level's 10%, 50% and 90% points in updates (null: beyond 1000 windows) */
  tLevel: { low: number | null; median: number | null; high: number | null };
  /** the model's leave-one-task-out record at its band, pooled over the corpus's tasks */
  heldOut: { accuracy: number; coverage: number; confidentAccuracy: number | null; tasks: number };
  /** the run had reached the level by the window already */
  observed: boolean;
  /** the user's finished runs the shipped model was recalibrated on (0: as shipped) */
  refinedOn: number;
}

export interface Prediction {
  willGrok: boolean;
  /** P(reaches 99% validation accuracy within its budget) */
  probability: number;
  /** the update count the prediction was made at (= W) */
  atStep: number;
  /** shipped: the model fitted on the project's corpus (predictor-shipped.ts), read with withinBudget */
  method: 'rule' | 'calibrated' | 'shipped';
  /** accuracy of the calibrated model on held-out runs: nested cross-validation (feature and L2 choice inside the
   *  folds) where `cvNested` is true, plain k-fold in predictions stored by earlier versions; null for the rule */
  cvAccuracy: number | null;
  /** true: cvAccuracy is nested (absent in predictions stored by earlier versions) */
  cvNested?: boolean;
  /** the features the calibrated model reads (absent: all of `features`, as earlier versions did) */
  modelFeatures?: EarlyFeatureName[];
  trainedOn: number;
  /** the calibration runs by task (absent in predictions stored by earlier versions; empty for the rule) */
  trainedOnTasks?: TaskCount[];
  /** how many calibration runs share the predicted run's task: a model fitted on other tasks only is transferring */
  ownTaskRuns?: number | null;
  /** why the rule was used, when it was */
  note: string | null;
  /** the shipped model's answer: the level, the budget, whether it is confident, t_level's interval, its held-out record */
  withinBudget?: WithinBudget;
  /** by name; predictions stored by earlier versions carry the features of their version */
  features: Partial<Record<EarlyFeatureName, number>> & Record<'log10 relative spectral energy', number>;
}

/** `task`: the predicted run's task in words (as LabelledRun.task), to count the calibration runs of the same task. */
export function predict(features: EarlyFeatures, calibrated: CalibratedPredictor | { reason: string }, task?: string): Prediction {
  const named = Object.fromEntries(PREDICTOR_FEATURES.map((n, i) => [n, features.values[i]!])) as Prediction['features'];
  if ('model' in calibrated) {
    const p = predictProba(calibrated.model, [calibrated.features.map((j) => features.values[j]!)])[0]!;
    return {
      willGrok: p >= 0.5,
      probability: p,
      atStep: features.signature.window,
      method: 'calibrated',
      cvAccuracy: calibrated.cvAccuracy,
      cvNested: true,
      modelFeatures: calibrated.features.map((j) => PREDICTOR_FEATURES[j]!),
      trainedOn: calibrated.trainedOn,
      trainedOnTasks: calibrated.tasks,
      ownTaskRuns: task === undefined ? null : (calibrated.tasks.find((t) => t.task === task)?.runs ?? 0),
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
    trainedOnTasks: [],
    ownTaskRuns: null,
    note: calibrated.reason,
    features: named,
  };
}

/**
 * How a calibrated prediction was made, in words, for the run page and the CLI: "logistic model on 48 finished runs
 * (a-b mod 31: 16; a*b mod 31: 16; a/b mod 31: 16), none of this run's task, 2 of 5 features chosen by
 * cross-validation, nested cross-validated accuracy 94%". At most three tasks are named. Predictions stored by
 * earlier versions lack the tasks and the choice, and their accuracy was not nested: they say "cross-validated".
 */
export function calibrationWords(
  p: Pick<Prediction, 'trainedOn' | 'cvAccuracy' | 'trainedOnTasks' | 'ownTaskRuns' | 'cvNested' | 'modelFeatures'>,
): string {
  const tasks = p.trainedOnTasks ?? [];
  const named = tasks.slice(0, 3).map((t) => `${t.task}: ${t.runs}`);
  if (tasks.length > 3) named.push(`${tasks.length - 3} more task${tasks.length === 4 ? '' : 's'}`);
  const list = named.length ? ` (${named.join('; ')})` : '';
  const own = p.ownTaskRuns === 0 ? ", none of this run's task" : '';
  const chosen = p.modelFeatures ? `, ${p.modelFeatures.length} of ${PREDICTOR_FEATURES.length} features chosen by cross-validation` : '';
  const acc = `${p.cvNested ? 'nested cross-validated accuracy' : 'cross-validated accuracy'} ${Math.round(100 * (p.cvAccuracy ?? 0))}%`;
  return `logistic model on ${p.trainedOn} finished runs${list}${own}${chosen}, ${acc}`;
}
