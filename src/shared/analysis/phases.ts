// Phase steps of 000 §2.3, from recorded accuracy series (values in [0, 1]).
// t1: train acc > 0 first; t2: train acc = 100% first; t3: val acc > 0 first; t4: val acc = 100% first.
// The 99% variants t2_99 / t4_99 are what a noisy minibatch run can be held to.
import type { Phases } from '../api/types';

export interface StepSeries {
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Accuracies are stored as fractions computed from integer counts; allow for float rounding at 1.0. */
const FULL = 1 - 1e-9;

export function firstStep(s: StepSeries | undefined, pred: (v: number) => boolean): number | null {
  if (!s) return null;
  for (let i = 0; i < s.values.length; i++) if (pred(s.values[i]!)) return s.steps[i]!;
  return null;
}

export function computePhases(trainAcc: StepSeries | undefined, valAcc: StepSeries | undefined): Phases {
  return {
    t1: firstStep(trainAcc, (v) => v > 0),
    t2: firstStep(trainAcc, (v) => v >= FULL),
    t3: firstStep(valAcc, (v) => v > 0),
    t4: firstStep(valAcc, (v) => v >= FULL),
    t2_99: firstStep(trainAcc, (v) => v >= 0.99),
    t4_99: firstStep(valAcc, (v) => v >= 0.99),
  };
}

export const EMPTY_PHASES: Phases = { t1: null, t2: null, t3: null, t4: null, t2_99: null, t4_99: null };
