// Analyses of stored runs: the spectral signature of the early training loss and the grokking prediction (000 §3).
// Reads the store, computes with the pure functions of src/shared/analysis, and keeps each result in the analyses
// table. Errors a user can cause (unknown run, a run too short for the window) are ApiErrors with their API code.
import { calibrate, earlyFeatures, predict, type LabelledRun } from '../../shared/analysis/predictor';
import { SPECTRAL_DEFAULTS, type SpectralOptions, type SpectralSignature } from '../../shared/analysis/spectral';
import { ApiError } from '../../shared/api/contract';
import type { PredictionView, SpectralParams, SpectralView } from '../../shared/api/types';
import type { RunRow, Store } from '../store';
import { taskFamily } from './run-views';
import { earlyRunOf, finishedToBudget, shippedEarlyRunOf } from './early-run';
import { SHIPPED, shippedModel, shippedPrediction } from './shipped-prediction';
import type { ShippedPredictor } from '../../shared/analysis/predictor-shipped';

export { earlyRunOf };

/** The defaults with the options given (an option that is undefined keeps its default). */
export const spectralParams = (o: SpectralOptions = {}): SpectralParams => ({
  window: o.window ?? SPECTRAL_DEFAULTS.window,
  cutoff: o.cutoff ?? SPECTRAL_DEFAULTS.cutoff,
  bandHigh: o.bandHigh ?? SPECTRAL_DEFAULTS.bandHigh,
  detrend: o.detrend ?? SPECTRAL_DEFAULTS.detrend,
});

/** A stored, not deleted run, or a not_found error naming the database. */
export function storedRun(store: Store, runId: number): RunRow {
  const run = store.runs.get(runId);
  if (!run || run.deletedAt) throw new ApiError('not_found', `no run with id ${runId} in ${store.path}`);
  return run;
}

export function spectralOfRun(store: Store, runId: number, opts: SpectralOptions = {}): SpectralView {
  const run = storedRun(store, runId);
  const params = spectralParams(opts);
  const early = earlyRunOf(store, run, params.window);
  if ('reason' in early) throw new ApiError('invalid_input', early.reason);
  let signature: SpectralSignature;
  try {
    signature = earlyFeatures(early, params).signature;
  } catch (e) {
    throw new ApiError('invalid_input', `run ${runId}: ${(e as Error).message}`);
  }
  const result = { runId, params, signature };
  store.analyses.save(runId, 'spectral', params, { ...signature, detrended: undefined, power: undefined }, new Date().toISOString());
  return result;
}

/** Finished runs with an early window, labelled by whether validation accuracy reached 99% within their budget. */
export function labelledRuns(store: Store, params: SpectralParams, exclude: number | null): LabelledRun[] {
  const out: LabelledRun[] = [];
  for (const run of store.runs.list()) {
    if (run.id === exclude || run.damaged !== null) continue; // a damaged run's config and phases are placeholders
    if (!finishedToBudget(run)) continue;
    const early = earlyRunOf(store, run, params.window);
    if ('reason' in early) continue;
    try {
      out.push({
        runId: run.id,
        features: earlyFeatures(early, params).values,
        grokked: run.phases?.t4_99 != null,
        task: taskFamily(run.config.task),
      });
    } catch {
      // a non-finite loss inside the window: no usable features
    }
  }
  return out;
}

/** The last calibration, by the examples it was fitted on: the nested cross-validation chooses among 93 feature and
 *  L2 candidates in every fold (≈ 0.3 s for 200 runs, 1.5 s for 1000 on a loaded 2-core machine), and every
 *  prediction of a run not yet finished sees the same finished runs. */
let lastCalibration: { key: string; value: ReturnType<typeof calibrate> } | null = null;

function calibrateCached(examples: LabelledRun[]): ReturnType<typeof calibrate> {
  const key = examples.map((e) => `${e.runId}:${e.grokked ? 1 : 0}:${e.task ?? ''}:${e.features.join(',')}`).join(';');
  if (lastCalibration?.key !== key) lastCalibration = { key, value: calibrate(examples) };
  return lastCalibration.value;
}

/** `shipped`: the shipped predictor to use where it has a model at the window (tests give their own). */
export function predictRun(store: Store, runId: number, opts: SpectralOptions = {}, shipped: ShippedPredictor = SHIPPED): PredictionView {
  const run = storedRun(store, runId);
  const params = spectralParams(opts);
  // the shipped model where it was fitted at this window; else the rule, or the user's own calibrated model
  const model = shippedModel(params.window, shipped);
  const early = model ? shippedEarlyRunOf(store, run, params.window) : earlyRunOf(store, run, params.window);
  if ('reason' in early) throw new ApiError('invalid_input', early.reason);
  let prediction;
  try {
    prediction = model
      ? shippedPrediction(store, run, early, model, params, shipped)
      : predict(earlyFeatures(early, params), calibrateCached(labelledRuns(store, params, runId)), taskFamily(run.config.task));
  } catch (e) {
    if (e instanceof RangeError) throw new ApiError('invalid_input', `run ${runId}: ${e.message}`);
    throw e;
  }
  const finished = run.status === 'completed' || run.status === 'diverged';
  const result: PredictionView = { runId, params, ...prediction, outcome: finished ? run.phases?.t4_99 != null : null };
  store.analyses.save(runId, 'prediction', params, result, new Date().toISOString());
  return result;
}
