// What a sweep does with a cell at one of its prediction windows (issue 20). With the shipped predictor a cell is
// asked at its windows in turn (200 to 4000 updates: windowsFor) and stopped at the first confident answer; "no
// confident prediction" at a window asks again at the next, and at the last lets the cell train to its budget, so a
// predict sweep never guesses (it stops that cell once it reaches the level: sweeps.ts). The rule and the user's calibrated model (a window the shipped model was not fitted
// at) always answer, as before.
import { ApiError } from '../../shared/api/contract';
import { windowLadder, type ShippedPredictor } from '../../shared/analysis/predictor-shipped';
import type { PredictionView } from '../../shared/api/types';
import type { SweepMode, SweepWindow } from '../../shared/config/sweep-config';
import type { Store } from '../store';
import { predictRun } from './run-analysis';
import { SHIPPED } from './shipped-prediction';

/** The windows a cell of `budget` updates is asked at. */
export function windowsFor(window: SweepWindow, budget: number, shipped: ShippedPredictor = SHIPPED): number[] {
  if (window === 'auto') return windowLadder(shipped, budget);
  return window < budget ? [window] : [];
}

export type Decision =
  /** stop the cell here, keeping a checkpoint (resumable), with the verdict as its note */
  | { action: 'stop'; verdict: string; prediction: PredictionView }
  /** not confident: ask again at the next window (holding there in predict mode) */
  | { action: 'ask-again'; holdAt: number | undefined; prediction: PredictionView }
  /** train on to the budget: predicted to grok in confirm mode, full mode, no confident answer left, or no usable window */
  | { action: 'go-on'; prediction: PredictionView | null };

const updates = (n: number) => n.toLocaleString('en-US');

/** The verdict stored with a stopped cell: what was predicted, how sure, and when it would reach the level. */
export function verdictOf(p: PredictionView): string {
  const wb = p.withinBudget;
  if (!wb) return `predicted ${p.willGrok ? 'to grok' : 'not to grok'} (p = ${p.probability.toFixed(2)})`;
  const level = `${Math.round(100 * wb.level)}%`;
  if (wb.observed) return `reached ${level} validation accuracy within its window`;
  const when = p.willGrok && wb.tLevel.median !== null ? `, t ≈ ${updates(wb.tLevel.median)}` : '';
  return `predicted ${p.willGrok ? '' : 'not '}to reach ${level} within ${updates(wb.budget)} updates (p = ${p.probability.toFixed(2)}${when})`;
}

export function decideAtWindow(
  store: Store,
  runId: number,
  mode: SweepMode,
  window: number,
  windows: readonly number[],
  shipped: ShippedPredictor = SHIPPED,
): Decision {
  let prediction: PredictionView;
  try {
    prediction = predictRun(store, runId, { window }, shipped);
  } catch (e) {
    if (!(e instanceof ApiError || e instanceof RangeError)) throw e;
    return { action: 'go-on', prediction: null }; // no usable window (a gap in the recorded loss, a loss of 0)
  }
  const next = windows.find((w) => w > window);
  if (prediction.withinBudget && !prediction.withinBudget.confident)
    return next !== undefined
      ? { action: 'ask-again', holdAt: mode === 'predict' ? next : undefined, prediction }
      : { action: 'go-on', prediction };
  if (mode === 'predict' || (mode === 'confirm' && !prediction.willGrok))
    return { action: 'stop', verdict: verdictOf(prediction), prediction };
  return { action: 'go-on', prediction };
}
