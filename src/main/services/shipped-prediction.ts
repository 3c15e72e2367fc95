// The shipped predictor applied to a stored run (issue 20): resources/predictor/model.json, fitted by
// scripts/predictor-fit.ts on the project's corpus, answers from the first sweep. The user's own finished runs refine
// it once there are enough of both outcomes: a recalibration (Platt scaling) of the shipped model's logit on them,
// which keeps what the corpus taught and corrects its level for this user's tasks.
import { readFileSync } from 'node:fs';
import shippedJson from '../../../resources/predictor/model.json';
import { fitLogistic, predictProba } from '../../shared/analysis/logistic';
import { firstStep } from '../../shared/analysis/phases';
import { MIN_PER_OUTCOME, MIN_RUNS_TO_CALIBRATE, type EarlyRun, type Prediction } from '../../shared/analysis/predictor';
import { modelAt, predictShipped, shippedProbability, type ShippedPredictor } from '../../shared/analysis/predictor-shipped';
import type { BudgetModel } from '../../shared/analysis/predictor-budget';
import type { SpectralParams } from '../../shared/api/types';
import type { RunRow, Store } from '../store';
import { finishedToBudget, shippedEarlyRunOf } from './early-run';

/**
 * The predictor in use: the shipped one, or the model file GROKSCOPE_PREDICTOR names (one written by
 * scripts/predictor-fit.ts, e.g. fitted on your own corpus), read once when the back end loads.
 */
export const SHIPPED: ShippedPredictor = predictorFromEnv() ?? (shippedJson as unknown as ShippedPredictor);

function predictorFromEnv(): ShippedPredictor | null {
  const file = process.env['GROKSCOPE_PREDICTOR'];
  if (!file) return null;
  let parsed: Partial<ShippedPredictor>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ShippedPredictor>;
  } catch (e) {
    throw new Error(`GROKSCOPE_PREDICTOR=${file}: cannot read it as JSON (${(e as Error).message})`);
  }
  if (typeof parsed.level !== 'number' || !Array.isArray(parsed.models) || !parsed.models.length || !parsed.provenance)
    throw new Error(`GROKSCOPE_PREDICTOR=${file}: not a predictor written by scripts/predictor-fit.ts (level, models, provenance)`);
  return parsed as ShippedPredictor;
}

/** The shipped model for this window, if one was fitted at it. */
export function shippedModel(window: number, shipped: ShippedPredictor = SHIPPED): BudgetModel | undefined {
  return modelAt(shipped, window);
}

const logit = (p: number) => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};

/** The user's finished runs with this window: the shipped model's logit at their own budget, and their outcome. */
function history(
  store: Store,
  shipped: ShippedPredictor,
  model: BudgetModel,
  params: SpectralParams,
  exclude: number,
): { x: number[]; y: 0 | 1 }[] {
  const out: { x: number[]; y: 0 | 1 }[] = [];
  for (const run of store.runs.list()) {
    if (run.id === exclude || run.damaged !== null || !finishedToBudget(run)) continue;
    const early = shippedEarlyRunOf(store, run, model.window);
    if ('reason' in early) continue;
    try {
      const p = shippedProbability(shipped, model, early, run.totalSteps, params);
      if (p === null) continue; // at the level by the window, certain: it says nothing of the model's calibration
      const reached = firstStep(store.metrics.series(run.id, 'val_acc'), (v) => v >= shipped.level) !== null;
      out.push({ x: [logit(p)], y: reached ? 1 : 0 });
    } catch {
      // a feature that is not finite: no example
    }
  }
  return out;
}

/**
 * The shipped model's prediction for a run from its first `model.window` updates, refined by the user's history
 * (`refine: false`: as shipped, e.g. replaying a predict sweep on a grid's own finished runs, which must not teach it).
 */
export function shippedPrediction(
  store: Store,
  run: RunRow,
  early: EarlyRun,
  model: BudgetModel,
  params: SpectralParams,
  shipped: ShippedPredictor = SHIPPED,
  refine = true,
): Prediction {
  const budget = run.totalSteps;
  const p = predictShipped(shipped, model, early, budget, params);
  let probability = p.probability;
  let refinedOn = 0;
  const hist = p.observed || !refine ? [] : history(store, shipped, model, params, run.id);
  const ones = hist.filter((h) => h.y === 1).length;
  if (hist.length >= MIN_RUNS_TO_CALIBRATE && ones >= MIN_PER_OUTCOME && hist.length - ones >= MIN_PER_OUTCOME) {
    const recal = fitLogistic(
      hist.map((h) => h.x),
      hist.map((h) => h.y),
    );
    probability = predictProba(recal, [[logit(p.probability)]])[0]!;
    refinedOn = hist.length;
  }
  const confident = p.observed || Math.abs(probability - 0.5) >= model.band - 1e-12;
  return {
    willGrok: probability >= 0.5,
    probability,
    atStep: model.window,
    method: 'shipped',
    cvAccuracy: p.heldOut.confidentAccuracy,
    trainedOn: shipped.provenance.corpus.runs,
    trainedOnTasks: Object.entries(shipped.provenance.corpus.byTask).map(([task, runs]) => ({ task, runs })),
    ownTaskRuns: null,
    note: null,
    withinBudget: {
      level: shipped.level,
      budget,
      confident,
      tLevel: p.tLevel,
      heldOut: {
        accuracy: p.heldOut.accuracy,
        coverage: p.heldOut.coverage,
        confidentAccuracy: p.heldOut.confidentAccuracy,
        tasks: p.heldOut.tasks.length,
      },
      observed: p.observed,
      refinedOn,
    },
    features: { ...p.features, 'log10 relative spectral energy': p.spectralEnergy },
  };
}
