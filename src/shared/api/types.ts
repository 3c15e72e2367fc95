// Data shapes that cross the API boundary (main ⇄ renderer, server ⇄ browser). Plain JSON only.
import type { RunConfig } from '../config/run-config';
import type { ConfigProblem } from '../config/errors';
import type { Phases } from '../analysis/phases';
import type { Prediction } from '../analysis/predictor';
import type { SpectralSignature } from '../analysis/spectral';
import type { LogLogFit, PowerLawFit } from '../analysis/fit-powerlaw';

export type { Phases };

export const RUN_STATUSES = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted', 'diverged'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused'];

/**
 * Metric names written by the training loop; analyses add their own. cos_step is cos(θ_{t−1}, θ_t) across the update
 * that reached step t, cos_init is cos(θ_t, θ_0) (000 App. B.2); besides these, one `norm/<parameter>` metric per
 * parameter tensor holds its L2 norm (names depend on the model, see LAYER_NORM_PREFIX).
 */
export const METRICS = [
  'train_loss',
  'train_acc',
  'val_loss',
  'val_acc',
  'weight_norm',
  'grad_norm',
  'lr',
  'cos_step',
  'cos_init',
  'step_loss',
] as const;
export type MetricName = (typeof METRICS)[number];

/** Prefix of the per-parameter weight-norm metrics, e.g. `norm/embed.weight`. */
export const LAYER_NORM_PREFIX = 'norm/';

/** Written only by a run with a trainable representation (003 §5.1): its linearity R² (analysis/representation-linearity). */
export const REPR_LINEARITY = 'repr_linearity';

export interface RunSummary {
  id: number;
  name: string;
  status: RunStatus;
  /** e.g. "a+b mod 23, r=0.5" */
  task: string;
  /** e.g. "transformer 1L d128 h4" */
  model: string;
  lr: number;
  weightDecay: number;
  trainFraction: number;
  seed: number;
  step: number;
  totalSteps: number;
  backend: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  final: { trainLoss: number | null; trainAcc: number | null; valLoss: number | null; valAcc: number | null };
  phases: Phases;
  error: string | null;
  deleted: boolean;
  /** which stored columns of the run are unreadable and why, e.g. "final_json is not JSON (…)"; null (the back end
   *  always sets it) or absent when intact. A damaged run can be listed, shown and deleted, nothing else. */
  damaged?: string | null;
  /** the grokking prediction made at the end of the early window (000 §3), once there is one */
  prediction: { willGrok: boolean; probability: number; method: 'rule' | 'calibrated' | 'shipped'; atStep: number } | null;
  /** the sweep the run is a cell of, while that sweep exists */
  sweepId: number | null;
  /** the researcher's labels and notes (runs.annotate, runs.tag) */
  tags: string[];
  notes: string;
  /** the whole config, when runs.list was asked withConfig (the runs table's config columns and filters) */
  config?: RunConfig;
}

export interface RunDetail extends RunSummary {
  config: RunConfig;
  backendNotes: string[];
  /** the `grokscope worker` that trains or trained it (a sweep cell across machines); null or absent: trained here */
  worker?: { name: string; host: string } | null;
  checkpoints: { step: number; bytes: number }[];
}

/** One metric as parallel arrays (compact on the wire). */
export interface MetricSeries {
  name: string;
  steps: number[];
  values: number[];
  /** true when the server thinned the series to maxPoints */
  downsampled: boolean;
}

export interface ValidationResult {
  ok: boolean;
  kind: 'run' | null;
  problems: ConfigProblem[];
  config: RunConfig | null;
}

/** A WebGPU adapter as a compute process found it (vendor, architecture, description from GPUAdapterInfo). */
export interface GpuAdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  /** a CPU implementation of the GPU API (SwiftShader, llvmpipe, WARP): auto never trains on it */
  software: boolean;
}

export interface BackendReport {
  name: string;
  available: boolean;
  note: string;
  /** webgpu: the adapters found */
  adapters?: GpuAdapterReport[];
}

export interface AppInfo {
  version: string;
  dbPath: string;
  backends: BackendReport[];
  mode: 'electron' | 'browser';
}

export interface ApiErrorShape {
  code: 'invalid_input' | 'not_found' | 'conflict' | 'unknown_method' | 'unauthorized' | 'internal';
  message: string;
  problems?: ConfigProblem[];
}

/** Parameters of the spectral signature (000 §3): window W, high-pass cutoff and low-band edge (fractions of Nyquist). */
export interface SpectralParams {
  window: number;
  cutoff: number;
  bandHigh: number;
  detrend: boolean;
}

/** The spectral signature of a run's first W updates. */
export interface SpectralView {
  runId: number;
  params: SpectralParams;
  signature: SpectralSignature;
}

/** The grokking prediction of a run, and its actual outcome once it has finished (null before). */
export interface PredictionView extends Prediction {
  runId: number;
  params: SpectralParams;
  outcome: boolean | null;
}

/** PCA of a run's checkpoint trajectory θ_t − θ_T (000 App. B.2): α(t), β(t) on the first two directions. */
export interface TrajectoryView {
  runId: number;
  /** steps of the checkpoints used, ascending (the last is T) */
  steps: number[];
  /** number of parameters d */
  dim: number;
  /** share of variance of the first directions (at most 10) */
  explained: number[];
  alpha: number[];
  beta: number[];
  /** checkpoints left out to keep the Gram matrix small (evenly thinned, first and last kept) */
  thinnedFrom: number;
}

/** One run of a sweep cell. */
export interface SweepCellRun {
  id: number;
  seed: number;
  status: RunStatus;
  step: number;
  /** the run's budget in updates */
  totalSteps: number;
  valAcc: number | null;
  t2: number | null;
  t4: number | null;
  /** predicted probability of grokking, once predicted */
  predicted: number | null;
  /** log10 relative spectral energy of the early window, once predicted */
  energy: number | null;
  /** stopped by its sweep after the prediction window (resumable), not cancelled by hand or failed */
  held: boolean;
  /** the `grokscope worker` that trains or trained it, for a sweep across machines (null or absent: trained here) */
  worker?: { name: string; host: string } | null;
}

/** A `grokscope worker` taking this back end's sweep cells from Redis (issue 17), as it last announced itself. */
export interface WorkerView {
  name: string;
  host: string;
  version: string;
  /** false: it runs another Grokscope version and refuses this back end's cells */
  compatible: boolean;
  /** the backend it trains on: its --backend, else the one its latest cell started on; null before its first cell */
  backend: string | null;
  /** cells it trains at once */
  concurrency: number;
  /** this back end's runs it trains now */
  runs: number[];
  /** cells of other coordinators (databases) it trains now */
  others: number;
  /** cells it has finished since it started, any coordinator's */
  done: number;
  since: string;
}

/** The workers sweep cells go to; pushed as 'workers.status' whenever one of them changes. */
export interface WorkersView {
  /** the Redis URL (password masked) the cells are queued on; null when this back end trains sweeps itself */
  redis: string | null;
  workers: WorkerView[];
}

export interface SweepCellView {
  /** position in the grid, one index per axis */
  index: number[];
  coords: Record<string, number | string | boolean>;
  runs: SweepCellRun[];
}

export interface SweepSummary {
  id: number;
  name: string;
  status: SweepView['status'];
  mode: SweepView['mode'];
  runs: number;
  done: number;
  /** runs training right now */
  running: number;
  axes: string[];
  createdAt: string;
  finishedAt: string | null;
  /** why the stored sweep config is unreadable; its runs still list on their own */
  damaged?: string | null;
}

export interface SweepView {
  id: number;
  name: string;
  status: 'running' | 'completed' | 'cancelled' | 'interrupted';
  mode: 'predict' | 'confirm' | 'full';
  /** updates before the prediction, or auto: the shipped predictor's windows in turn */
  window: number | 'auto';
  axes: { path: string; values: (number | string | boolean)[] }[];
  /** the cells' training budget in updates (the largest, when training.steps is an axis): the colour range of t4 */
  steps: number;
  cells: SweepCellView[];
  createdAt: string;
  finishedAt: string | null;
}

export type { ConfigProblem, RunConfig };

/** Options of the Hessian (analysis.hessian; 000 App. B.1) and intrinsic-dimension (analysis.id; 000 App. C) probes. */
export type { HessianProbeOptions, IdProbeOptions } from './probe-options';

export interface HessianPoint {
  step: number;
  /** training loss (the run's loss on the full training set) at the checkpoint */
  loss: number;
  lambdaMax: number;
  lambdaMin: number;
  /** λmin / λmax, signed (000 App. B.1); null when λmax = 0 */
  ratio: number | null;
  lambdaMinFrom: 'shifted-lm' | 'shifted-sa';
  iterations: { max: number; min: number };
  converged: { max: boolean; min: boolean };
  seconds: number;
}

export interface HessianView {
  runId: number;
  /** 'exact': double-backprop Hessian-vector products of the training loss (not finite differences) */
  hvp: 'exact';
  /** parameters the Hessian is taken over */
  dim: number;
  excludeOneDim: boolean;
  excluded: string[];
  tol: number;
  maxIter: number;
  points: HessianPoint[];
  /** stored checkpoints the steps were chosen from */
  thinnedFrom: number;
}

export interface IdLayerPoint {
  layer: string;
  split: 'train' | 'val';
  twoNN: number;
  /** MLE with k = 2 and the inverse-average correction */
  mle: number;
  /** points used and their ambient dimension */
  n: number;
  ambient: number;
}

export interface IdView {
  runId: number;
  layers: string[];
  points: { step: number; layers: IdLayerPoint[] }[];
  maxPoints: number;
  thinnedFrom: number;
}

/** Progress of a probe in a compute process (event 'probe.progress'). */
export interface ProbeProgress {
  runId: number;
  kind: 'hessian' | 'id';
  /** checkpoints done of total */
  done: number;
  total: number;
  message: string;
}

/** A fit across stored runs: t4(r) as a power law in the training fraction r (%), or log t4 against log weight decay. */
export type FitAgainst = 'r' | 'wd';

export interface FitPoint {
  runId: number;
  x: number;
  t4: number;
}

export interface RunsFit {
  against: FitAgainst;
  /** t4 = first step with validation accuracy ≥ level (a fraction; 000 §2.3 uses 1) */
  level: number;
  /** 'given', or why the task's default level was chosen */
  levelWhy: string;
  /** x is r in percent, or the weight decay */
  points: FitPoint[];
  skipped: { runId: number; reason: string }[];
  powerLaw?: PowerLawFit;
  logLog?: LogLogFit;
}
