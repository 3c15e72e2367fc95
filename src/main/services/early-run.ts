// A stored run's first W updates as the predictor reads them (EarlyRun): the per-update training loss, the accuracies
// at W, the evaluation metrics at 0, W/2 and W, its budget and the optimiser settings that set 003's clock.
import { STEP_LOSS_METRIC, STEP_LOSS_UPDATES, type AtZeroHalfW, type EarlyRun } from '../../shared/analysis/predictor';
import { trainFractionOf } from '../../shared/config/run-config';
import type { RunRow, Store } from '../store';

/** The value of a series at the last recorded step ≤ step (the accuracy "at W" when W is not an eval step). */
function valueAtOrBefore(s: { steps: number[]; values: number[] }, step: number): number | null {
  let v: number | null = null;
  for (let i = 0; i < s.steps.length && s.steps[i]! <= step; i++) v = s.values[i]!;
  return v;
}

/** A run that trained to its budget (or diverged): its outcome is known, so it can calibrate a predictor. */
export function finishedToBudget(run: RunRow): boolean {
  return (run.status === 'completed' && run.step === run.totalSteps) || run.status === 'diverged';
}

/**
 * The early window of a run, or why it has none. `lossUpdates`: how many of the first updates' own loss it needs (the
 * spectral window); a shipped model's window can be longer than the loop records (STEP_LOSS_UPDATES), and reads the
 * loss of the updates recorded.
 */
export function earlyRunOf(store: Store, run: RunRow, window: number, lossUpdates = window): EarlyRun | { reason: string } {
  const loss = store.metrics.series(run.id, STEP_LOSS_METRIC);
  // Updates are 1-based: the spectral window is the loss of updates 1..lossUpdates.
  const values: number[] = [];
  for (let i = 0; i < loss.steps.length && values.length < lossUpdates; i++) {
    if (loss.steps[i] !== values.length + 1) break; // a gap: the window must be contiguous
    values.push(loss.values[i]!);
  }
  if (values.length < lossUpdates) {
    return {
      reason:
        `run ${run.id} has the per-update training loss of ${values.length} updates` +
        (loss.steps.length === 0 ? ' (it was trained before Grokscope recorded it)' : '') +
        `; the spectral window needs the first ${lossUpdates}`,
    };
  }
  // each metric's series is read once, then looked up at the steps the features need
  const at = (name: string, ...steps: number[]) => {
    const series = store.metrics.series(run.id, name);
    return steps.map((step) => valueAtOrBefore(series, step));
  };
  const valSeries = store.metrics.series(run.id, 'val_acc');
  // a window past the per-update loss: the run must have been evaluated at or after W, not only before it
  if (lossUpdates < window && (valSeries.steps.at(-1) ?? -1) < window)
    return { reason: `run ${run.id} has no evaluation at or after update ${window}` };
  const [trainAcc] = at('train_acc', window);
  const valAcc = valueAtOrBefore(valSeries, window);
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
  const { lr, weightDecay } = run.config.optimizer;
  const hyper = { lr, weightDecay, initScale: run.config.init.scale, trainFraction: trainFractionOf(run.config.task) };
  return { stepLoss: values, trainAccAtW: trainAcc, valAccAtW: valAcc, trajectory, budget: run.totalSteps, hyper };
}

/** The early window a shipped model reads: its window of evaluations, and the per-update loss the loop records in it. */
export function shippedEarlyRunOf(store: Store, run: RunRow, window: number): EarlyRun | { reason: string } {
  return earlyRunOf(store, run, window, Math.min(window, STEP_LOSS_UPDATES));
}
