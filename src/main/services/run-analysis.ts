// Analyses of stored runs: the spectral signature of the early training loss and the grokking prediction (000 §3).
// Reads the store, computes with the pure functions of src/shared/analysis, and keeps each result in the analyses
// table. Errors a user can cause (unknown run, a run too short for the window) are ApiErrors with their API code.
import {
  calibrate,
  earlyFeatures,
  predict,
  STEP_LOSS_METRIC,
  type AtZeroHalfW,
  type EarlyRun,
  type LabelledRun,
} from '../../shared/analysis/predictor';
import { SPECTRAL_DEFAULTS, type SpectralOptions, type SpectralSignature } from '../../shared/analysis/spectral';
import { ApiError } from '../../shared/api/contract';
import type { PredictionView, SpectralParams, SpectralView } from '../../shared/api/types';
import type { RunRow, Store } from '../store';
import { taskFamily } from './run-views';

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

/** The value of a series at the last recorded step ≤ step (the accuracy "at W" when W is not an eval step). */
function valueAtOrBefore(s: { steps: number[]; values: number[] }, step: number): number | null {
  let v: number | null = null;
  for (let i = 0; i < s.steps.length && s.steps[i]! <= step; i++) v = s.values[i]!;
  return v;
}

/** The early window of a run, or why it has none. */
export function earlyRunOf(store: Store, run: RunRow, window: number): EarlyRun | { reason: string } {
  const loss = store.metrics.series(run.id, STEP_LOSS_METRIC);
  // Updates are 1-based: the window is the loss of updates 1..W.
  const values: number[] = [];
  for (let i = 0; i < loss.steps.length && values.length < window; i++) {
    if (loss.steps[i] !== values.length + 1) break; // a gap: the window must be contiguous
    values.push(loss.values[i]!);
  }
  if (values.length < window) {
    return {
      reason:
        `run ${run.id} has the per-update training loss of ${values.length} updates` +
        (loss.steps.length === 0 ? ' (it was trained before Grokscope recorded it)' : '') +
        `; the spectral window needs the first ${window}`,
    };
  }
  // each metric's series is read once, then looked up at the steps the features need
  const at = (name: string, ...steps: number[]) => {
    const series = store.metrics.series(run.id, name);
    return steps.map((step) => valueAtOrBefore(series, step));
  };
  const [trainAcc] = at('train_acc', window);
  const [valAcc] = at('val_acc', window);
  if (trainAcc == null || valAcc == null) return { reason: `run ${run.id} has no accuracy recorded by update ${window}` };
  const half = Math.floor(window / 2);
  const triple = (name: string): AtZeroHalfW | null => {
    const [a, b, c] = at(name, 0, half, window);
    return a == null || b == null || c == null ? null : [a, b, c];
  };
  const valLoss = triple('val_loss');
  const trainLoss = triple('train_loss');
  const weightNorm = triple('weight_norm');
  const [cosInitAtW] = at('cos_init', window);
  if (!valLoss || !trainLoss || !weightNorm || cosInitAtW == null) {
    const missing = Object.entries({ val_loss: valLoss, train_loss: trainLoss, weight_norm: weightNorm, cos_init: cosInitAtW })
      .filter(([, v]) => v == null)
      .map(([name]) => name);
    return { reason: `run ${run.id} has no ${missing.join(', ')} recorded at updates 0, ${half} and ${window}` };
  }
  const trajectory = { valLoss, trainLoss, weightNorm, cosInitAtW };
  return { stepLoss: values, trainAccAtW: trainAcc, valAccAtW: valAcc, trajectory, budget: run.totalSteps };
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
    const finished = (run.status === 'completed' && run.step === run.totalSteps) || run.status === 'diverged';
    if (!finished) continue;
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

export function predictRun(store: Store, runId: number, opts: SpectralOptions = {}): PredictionView {
  const run = storedRun(store, runId);
  const params = spectralParams(opts);
  const early = earlyRunOf(store, run, params.window);
  if ('reason' in early) throw new ApiError('invalid_input', early.reason);
  const calibrated = calibrate(labelledRuns(store, params, runId));
  const prediction = predict(earlyFeatures(early, params), calibrated, taskFamily(run.config.task));
  const finished = run.status === 'completed' || run.status === 'diverged';
  const result: PredictionView = { runId, params, ...prediction, outcome: finished ? run.phases?.t4_99 != null : null };
  store.analyses.save(runId, 'prediction', params, result, new Date().toISOString());
  return result;
}
