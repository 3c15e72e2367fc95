// The loss-landscape API (000 §4, App. B; 003 §2-5): requests, stored results and progress events of
// 'analysis.landscape' and 'analysis.reduced'. Both are grids computed in a compute process row by row; every finished
// row is stored at once, so an interrupted grid started again with the same parameters continues where it stopped.

import type { LrSchedule } from '../config/run-config';

/** '1d': f(α) = L(θ + αδ) at one checkpoint; '1d-training': one such slice per checkpoint (an α × step matrix);
 *  '2d': L(θ + αδ + βη) on a grid. */
export type LandscapeKind = '1d' | '1d-training' | '2d';
export const LANDSCAPE_KINDS: readonly LandscapeKind[] = ['1d', '1d-training', '2d'];

/**
 * Where a direction points, at the checkpoint θ_t it is drawn around:
 *  random  Gaussian N(0, I), seeded (the seed of the second direction is seed + 1)
 *  target  θ* − θ_t, θ* the run's final checkpoint (000 Fig. 4)
 *  next    θ_{t+1} − θ_t, the next stored checkpoint
 *  init    θ_0 − θ_t, θ_0 rebuilt from the run's seed and init.scale exactly as training drew it (000 Fig. 3)
 *  pca     the first (for the first direction) or second (second direction) principal direction of the trajectory
 *          θ_s − θ_T over the stored checkpoints (000 App. B.2; a unit vector)
 */
export type DirectionKind = 'random' | 'target' | 'next' | 'init' | 'pca';
export const DIRECTION_KINDS: readonly DirectionKind[] = ['random', 'target', 'next', 'init', 'pca'];

/** 'filter': each filter of the direction scaled to the norm of the same filter of θ_t (Li et al. 2018, 000 §4);
 *  'raw': the direction as drawn (for target / next / init, α = 1 reaches that checkpoint exactly). */
export type DirectionNormalization = 'filter' | 'raw';

/** One-dimensional parameters (biases, LayerNorm gains) under filter-wise normalisation: set to zero (Li et al.'s
 *  'biasbn'), 'per-scalar' (each scalar is its own filter, 000 §4: b_k(δ) ← b_k(δ)/|b_k(δ)| · |b_k(θ)|) or 'keep' (left
 *  as drawn). */
export type OneDimMode = 'zero' | 'per-scalar' | 'keep';
export const ONE_DIM_MODES: readonly OneDimMode[] = ['zero', 'per-scalar', 'keep'];

/** What the caller may set (analysis.landscape); every field but the run has a default. */
export interface LandscapeOptions {
  kind?: LandscapeKind;
  /** the centre checkpoint θ_t (1d, 2d); default the last stored one */
  step?: number;
  /** 1d-training: the checkpoints, one slice each; default every stored one, evenly thinned to maxCheckpoints */
  steps?: number[];
  /** 1d-training (default 40) */
  maxCheckpoints?: number;
  /** first direction δ (default 'random'; 'target' for 1d-training) */
  direction?: DirectionKind;
  /** second direction η of a 2d surface (default 'random', or 'pca' when direction is 'pca') */
  direction2?: DirectionKind;
  /** default 'filter' ('raw' for pca, whose directions are unit vectors the trajectory is projected on) */
  normalization?: DirectionNormalization;
  /** default 'zero' */
  oneDim?: OneDimMode;
  /** 2d: Gram-Schmidt the second direction against the first (after normalisation); default false */
  orthogonalize?: boolean;
  /** random directions' seed (default 0) */
  seed?: number;
  /** α range (default [−1, 1]; along a raw PCA direction, the trajectory's extent plus 10% on each side) and points
   *  (default 51 for 1d and 1d-training, 41 for 2d) */
  range?: [number, number];
  points?: number;
  /** 2d: β range and points (default: those of α) */
  range2?: [number, number];
  points2?: number;
  /** the data each point is evaluated on: 'train+val' (default) or 'train' (one full-batch forward pass per point;
   *  the rows' val arrays stay empty) */
  splits?: LandscapeSplits;
}

export type LandscapeSplits = 'train+val' | 'train';

/** The options with every default filled in: what identifies a stored landscape (and what a resume must match). */
export interface LandscapeParams {
  kind: LandscapeKind;
  /** the centre checkpoint of each row's slice: one for 1d and 2d, one per row for 1d-training */
  steps: number[];
  direction: DirectionKind;
  direction2: DirectionKind | null;
  normalization: DirectionNormalization;
  oneDim: OneDimMode;
  orthogonalize: boolean;
  seed: number;
  range: [number, number];
  points: number;
  range2: [number, number] | null;
  points2: number | null;
  /** set only to 'train' (absent: 'train+val') */
  splits?: 'train';
}

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

/**
 * The second axis of the reduced landscape: the training-set size (task.trainSize for the sample tasks,
 * task.trainFraction for the table tasks) or the representation messiness m (task.messiness).
 */
export type ReducedAxisPath = 'task.trainSize' | 'task.trainFraction' | 'task.messiness';

export interface ReducedOptions {
  /** weight-norm factors α: w = α·w0, w0 the norm of the standard initialisation (default 0.25 … 4, 7 values, log) */
  scales?: number[];
  /** the second axis (default: messiness for the messiness task, else the task's size field) */
  axis?: ReducedAxisPath;
  /** its values (default: the run's own value only) */
  values?: number[];
  /** optimiser updates per cell (default: min(run's steps, 1000)) */
  steps?: number;
  /** evaluate every k updates (default: max(1, steps/50)) */
  evalEvery?: number;
  /** 'with-norm': each cell's learning rate is the run's times α (Adam moves weights by ≈ lr per update whatever their
   *  norm, so large-norm cells otherwise need α times the updates to converge); default 'fixed' */
  lrScaling?: ReducedLrScaling;
  /** each cell's learning-rate schedule over its updates (default: the run's); 'cosine' lets a cell settle into its
   *  minimum, so the best loss over training is not set by Adam's noise floor at a constant rate */
  lrSchedule?: LrSchedule;
}

export type ReducedLrScaling = 'fixed' | 'with-norm';

export interface ReducedParams {
  scales: number[];
  axis: ReducedAxisPath;
  values: number[];
  steps: number;
  evalEvery: number;
  lrScaling: ReducedLrScaling;
  /** absent: the run's own schedule (grids stored before this option) */
  lrSchedule?: LrSchedule;
}

/** One cell: trained at constant norm w from init.scale = α; the best (lowest) value over training of each metric, as
 *  the authors' code records them. Error = 1 − accuracy (the task's accuracy rule). */
export interface ReducedCell {
  scale: number;
  value: number;
  /** ‖θ‖ held during training */
  weightNorm: number;
  trainLoss: number;
  testLoss: number;
  trainError: number;
  testError: number;
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
