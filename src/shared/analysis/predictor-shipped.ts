// The predictor shipped with Grokscope (issue 20): budget models (predictor-budget.ts) fitted by
// scripts/predictor-fit.ts on a corpus of the project's own runs, one per early window, so a predict sweep works from
// its first cell and can ask again at a longer window when the first answer is not confident.
import { allEarlyFeatures, type EarlyFeatureName, type EarlyRun, type WithinBudget } from './predictor';
import { predictWithinBudget, probabilityWithin, type BudgetModel, type BudgetPrediction, type HeldOutTask } from './predictor-budget';
import { spectralSignature, type SpectralOptions } from './spectral';
import type { BandRule } from './predictor-table';

/**
 * The shipped model's features (scripts/predictor-fit.ts's default): 003's clock (the weight-decay e-folds the budget
 * allows) and the weight norm's and validation loss's trends projected to the budget, beside 000's accuracies at W.
 */
export const SHIPPED_FEATURES = [
  'weight-decay e-folds in the budget, lr·wd·B (decades)',
  'weight-norm trend projected to the budget (decades)',
  'validation-loss trend projected to the budget (decades)',
  'validation accuracy at W',
  'train accuracy at W',
] as const satisfies readonly EarlyFeatureName[];

export interface ShippedPredictor {
  /** the validation accuracy a run must reach: the label is t_level ≤ budget */
  level: number;
  /** one model per window, windows ascending */
  models: BudgetModel[];
  provenance: {
    command: string;
    corpusCommand: string;
    commit: string;
    date: string;
    corpus: { runs: number; reached: number; byTask: Record<string, number> };
    /** what the fit was asked for: refitting the committed table with these gives the same models */
    fit: { table: string; windows: number[]; features: EarlyFeatureName[]; targetAccuracy: number; bands?: BandRule };
  };
}

/** What the predictor says of one run at one window, with the held-out record of the model that said it. */
export interface ShippedPrediction extends BudgetPrediction {
  window: number;
  budget: number;
  level: number;
  /** the model's leave-one-task-out record at its band: pooled, and per held-out task */
  heldOut: { accuracy: number; coverage: number; confidentAccuracy: number | null; tasks: HeldOutTask[] };
  /** the inputs by name, projected to `budget` */
  features: Record<string, number>;
  /** 000 §3's oscillation energy of the window, relative to its total, in decades (shown beside the inputs) */
  spectralEnergy: number;
  /** the run had already reached the level by the window: a certainty, not a model's guess */
  observed: boolean;
}

/** The windows a predict sweep asks at for a run of `budget` updates: the shipped ones shorter than the budget. */
export function windowLadder(shipped: ShippedPredictor, budget: number): number[] {
  return shipped.models.map((m) => m.window).filter((w) => w < budget);
}

export function modelAt(shipped: ShippedPredictor, window: number): BudgetModel | undefined {
  return shipped.models.find((m) => m.window === window);
}

/**
 * The model's inputs for the run as a function of the budget (the budget term is predictWithinBudget's), and every
 * early feature at a budget. The window's spectral signature is computed once: t_level's interval reads the model at
 * 121 budgets.
 */
function inputsOf(model: BudgetModel, run: EarlyRun, opts: SpectralOptions) {
  // a window longer than the recorded per-update loss reads the spectral part from the loss there is
  const o = { ...opts, window: Math.min(model.window, run.stepLoss.length) };
  const signature = spectralSignature(run.stepLoss, o);
  const names = model.featureNames.slice(0, -1) as EarlyFeatureName[];
  const all = (budget: number) => allEarlyFeatures({ ...run, budget }, o, signature).all;
  /** the model's inputs, in its order, from every early feature at one budget */
  const of = (values: ReturnType<typeof all>): number[] =>
    names.map((n) => {
      const v = values[n];
      if (v === undefined || !Number.isFinite(v)) throw new RangeError(`early feature "${n}" is ${String(v)} for this run`);
      return v;
    });
  return { at: (budget: number) => of(all(budget)), of, all };
}

/**
 * P(validation accuracy ≥ level within `budget`) from the run's first `model.window` updates, confident or not, with
 * t_level's 10/50/90% points. A run already at the level by the window is certain (probability 1, observed).
 */
export function predictShipped(
  shipped: ShippedPredictor,
  model: BudgetModel,
  run: EarlyRun,
  budget: number,
  opts: SpectralOptions = {},
): ShippedPrediction {
  const inputs = inputsOf(model, run, opts);
  const values = inputs.all(budget);
  const x = inputs.of(values);
  const features = Object.fromEntries(model.featureNames.slice(0, -1).map((n, i) => [n, x[i]!]));
  const spectralEnergy = values['log10 relative spectral energy'];
  const { accuracy, coverage, confidentAccuracy } = model.pooled;
  const record = { window: model.window, budget, level: shipped.level, features, spectralEnergy };
  const heldOut = { accuracy, coverage, confidentAccuracy, tasks: model.heldOut };
  if (run.valAccAtW >= shipped.level) {
    const at = model.window;
    return { ...record, heldOut, probability: 1, confident: true, tLevel: { low: at, median: at, high: at }, observed: true };
  }
  const p = predictWithinBudget(model, inputs.at, budget);
  return { ...record, heldOut, ...p, observed: false };
}

/** predictShipped's probability alone (no interval): null for a run at the level by the window (certain, observed). */
export function shippedProbability(
  shipped: ShippedPredictor,
  model: BudgetModel,
  run: EarlyRun,
  budget: number,
  opts: SpectralOptions = {},
): number | null {
  return run.valAccAtW >= shipped.level ? null : probabilityWithin(model, inputsOf(model, run, opts).at, budget);
}

const count = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? '–' : `${Math.round(100 * x)}%`);

/**
 * A shipped prediction in words, for the CLI and the run page: what is predicted (level, budget), t_level's interval,
 * and the model's record on held-out tasks, so every number shown comes with how far it can be trusted.
 */
export function withinBudgetWords(wb: WithinBudget, trainedOn: number, probability: number): string {
  const level = `${Math.round(100 * wb.level)}%`;
  if (wb.observed) return `validation accuracy reached ${level} within the window: observed, not predicted`;
  const t = wb.tLevel;
  const when =
    t.median === null
      ? `reaching it beyond the model's range`
      : `reaching it at ≈ ${count(t.median)} updates (10–90%: ${t.low === null ? '?' : count(t.low)}–${t.high === null ? 'beyond' : count(t.high)})`;
  const verdict = wb.confident ? '' : '; no confident prediction (a predict sweep trains this cell on)';
  const refined = wb.refinedOn > 0 ? `, recalibrated on ${wb.refinedOn} of your finished runs` : '';
  return (
    `P(validation accuracy ≥ ${level} within ${count(wb.budget)} updates) = ${probability.toFixed(2)}, ${when}${verdict}\n` +
    `  shipped model fitted on ${count(trainedOn)} corpus runs${refined}; on operations held out of its fit it was right ` +
    `${pct(wb.heldOut.confidentAccuracy)} of the time when confident, and confident on ${pct(wb.heldOut.coverage)}`
  );
}
