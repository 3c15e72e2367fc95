// The loss-landscape API (000 §4, App. B; 003 §2-5): requests, stored results and progress events of
// 'analysis.landscape' and 'analysis.reduced'. Both are grids computed in a compute process row by row; every finished
// row is stored at once, so an interrupted grid started again with the same parameters continues where it stopped.

import type { DirectionKind, DirectionNormalization, LandscapeParams, OneDimMode } from './landscape-options';
import type { ReducedParams } from './reduced-options';

// The options and their resolved parameters live with their schemas; re-exported for the views' readers.
export {
  DIRECTION_KINDS,
  ONE_DIM_MODES,
  type DirectionKind,
  type DirectionNormalization,
  type LandscapeKind,
  type LandscapeOptions,
  type LandscapeParams,
  type LandscapeSplits,
  type OneDimMode,
} from './landscape-options';
export type { ReducedAxisPath, ReducedLrScaling, ReducedOptions, ReducedParams } from './reduced-options';

/** Loss and accuracy along one row of the grid (index i ↔ alphas[i]); accuracy is the training code's rule. */
export interface LandscapeSplitRow {
  loss: number[];
  acc: number[];
}

export interface LandscapeRow {
  /** the checkpoint the slice is centred on */
  step: number;
  /** 2d: this row's β; null otherwise */
  beta: number | null;
  train: LandscapeSplitRow;
  /** empty arrays when params.splits is 'train' */
  val: LandscapeSplitRow;
}

/** A direction as it was used: its kind, label, norm and how it was normalised. */
export interface DirectionInfo {
  kind: DirectionKind;
  /** e.g. "θ* − θ_t (filter-normalised)", "PC2 of 12 checkpoints (raw unit vector), orthogonalised" */
  label: string;
  normalization: DirectionNormalization;
  oneDim: OneDimMode;
  /** ‖δ‖ after normalisation, of the row's centre (1d-training: of the first row) */
  norm: number;
  /** parameters whose direction was zeroed (oneDim 'zero' under filter normalisation) */
  zeroed: string[];
}

/** The checkpoints projected on the plane of a 2d surface, with the loss at the checkpoints themselves (not on the
 *  plane): contours drawn from the plane and the trajectory's true losses often disagree (Li et al.). */
export interface LandscapeTrajectory {
  steps: number[];
  /** least-squares coordinates of θ_s − θ_t in the basis (δ, η) */
  alpha: number[];
  beta: number[];
  /** ‖θ_s − θ_t − αδ − βη‖ / ‖θ_s − θ_t‖ (0 when the checkpoint lies on the plane; 0 at the centre) */
  offPlane: number[];
  trainLoss: number[];
  valLoss: number[];
  trainAcc: number[];
  valAcc: number[];
}

export type LandscapeStatus = 'running' | 'completed' | 'cancelled' | 'interrupted' | 'failed';

export interface LandscapeView {
  runId: number;
  /** id of the stored analysis row (stable across a resume) */
  key: string;
  params: LandscapeParams;
  status: LandscapeStatus;
  /** TF.js backend the grid was computed on */
  backend: string | null;
  alphas: number[];
  /** 2d: the β of each row; null otherwise */
  betas: number[] | null;
  /** 1d: one row; 1d-training: one per step of params.steps; 2d: one per β. null while not yet computed. */
  rows: (LandscapeRow | null)[];
  directions: DirectionInfo[];
  /** 2d only; null for 1d kinds */
  trajectory: LandscapeTrajectory | null;
  /** model parameters d */
  dim: number;
  /** grid points evaluated per second (train + val), over the rows computed by the last session */
  pointsPerSecond: number | null;
  /** rows that were already stored when this computation started (a resume) */
  resumedRows: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** analysis.landscapeStored: what is stored for a run, newest first, without the grids. */
export interface LandscapeSummary {
  runId: number;
  key: string;
  params: LandscapeParams;
  status: LandscapeStatus;
  rowsDone: number;
  rowsTotal: number;
  updatedAt: string;
}

// ---- Omnigrok's reduced landscape (003 §2-5, App. E) ----

/** One cell: trained at constant norm w from init.scale = α. `trainLoss`, `testLoss`, `trainError`, `testError` are
 *  the best (lowest) value over training of each metric independently ('best-over-training', as the authors' code
 *  records them); `atTrainMin` holds 003 Eq. 1's reading, every metric at the training-loss minimiser ('at-train-min').
 *  Error = 1 − accuracy (the task's accuracy rule). */
export interface ReducedCell {
  scale: number;
  value: number;
  /** ‖θ‖ held during training */
  weightNorm: number;
  /** lowest training loss over training: the same in both readings */
  trainLoss: number;
  /** best-over-training: lowest test loss, whenever it occurred */
  testLoss: number;
  /** best-over-training */
  trainError: number;
  /** best-over-training */
  testError: number;
  /** 003 Eq. 1: the metrics at the evaluation with the lowest training loss (absent in cells stored before it was
   *  recorded, and when every evaluation diverged) */
  atTrainMin?: { step: number; testLoss: number; trainError: number; testError: number };
  /** the same at the end of training (not the best) */
  finalTrainLoss: number;
  finalTestLoss: number;
  seconds: number;
}

export interface ReducedView {
  runId: number;
  key: string;
  params: ReducedParams;
  status: LandscapeStatus;
  backend: string | null;
  /** ‖θ_0‖ at init.scale = 1 */
  w0: number | null;
  /** cells[v][s] for values[v] and scales[s]; null while not computed */
  cells: (ReducedCell | null)[][];
  resumedCells: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Event 'landscape.progress': a landscape or reduced-landscape grid advanced. The finished row (landscape) or cell
 *  (reduced) comes with it so a view can fill in while the grid is computed. */
export interface LandscapeProgress {
  runId: number;
  grid: 'landscape' | 'reduced';
  key: string;
  done: number;
  total: number;
  message: string;
  row?: { index: number; row: LandscapeRow };
  cell?: { v: number; s: number; cell: ReducedCell };
}
