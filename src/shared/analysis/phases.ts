// Phase steps of 000 §2.3, from recorded accuracy series (values in [0, 1]).
// t1: train acc > 0 first; t2: train acc = 100% first; t3: val acc > 0 first; t4: val acc = 100% first.
// The 99% variants t2_99 / t4_99 are what a noisy minibatch run can be held to.

/** The phase steps of a run (000 §2.3): the first update at which each condition holds, null while it has not. */
export interface Phases {
  /** train accuracy > 0 for the first time */
  t1: number | null;
  /** train accuracy = 100% for the first time */
  t2: number | null;
  /** validation accuracy > 0 for the first time */
  t3: number | null;
  /** validation accuracy = 100% for the first time */
  t4: number | null;
  /** train accuracy ≥ 99% for the first time */
  t2_99: number | null;
  /** validation accuracy ≥ 99% for the first time */
  t4_99: number | null;
}

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
