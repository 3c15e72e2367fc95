// The API contract: every method the renderer may call, with a zod schema for its input and a type for its output,
// and every event it may receive. Electron IPC (main/app + preload) and the WebSocket (main/server) both carry exactly this.
import { z } from 'zod';
import { RunConfigSchema } from '../config/run-config';
import { MAX_CONFIG_PAYLOAD_CHARS } from '../config/limits';
import type {
  AppInfo,
  MetricSeries,
  RunDetail,
  RunStatus,
  RunSummary,
  ValidationResult,
  ApiErrorShape,
  Phases,
  PredictionView,
  SpectralView,
  SweepSummary,
  SweepView,
  TrajectoryView,
  WorkersView,
  HessianView,
  IdView,
  ProbeProgress,
  RunsFit,
} from './types';
import type { DesktopBridge } from './desktop';
import { checkLandscapeOptions, landscapeOptionShape } from './landscape-options';
import { HessianOptionsSchema, IdOptionsSchema } from './probe-options';
import { ReducedOptionsSchema } from './reduced-options';
import type { LandscapeProgress, LandscapeSummary, LandscapeView, ReducedView } from './landscape-types';
import type { ReproDone, ReproEntry, ReproProgress } from './reproductions';

const RunId = z.strictObject({ id: z.number().int().positive() });
/** A run's notes, at most this long. */
export const MAX_NOTES_CHARS = 20_000;
/** Tags: short labels without commas (the table's tag box splits on them), trimmed, at most 32 per run. */
const Tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((t) => !t.includes(','), 'a tag may not hold a comma');
const TagList = z.array(Tag).max(32);
const SpectralInput = z.strictObject({
  id: z.number().int().positive(),
  window: z.number().int().min(8).max(1_000_000).optional(),
  cutoff: z.number().min(0).lt(1).optional(),
});
// The analyses' options: one schema each, shared with the CLI, the forms and the services' resolvers.
const RunIdField = { id: z.number().int().positive() };
const HessianInput = HessianOptionsSchema.extend(RunIdField);
const IdInput = IdOptionsSchema.extend(RunIdField);
const LandscapeInput = z.strictObject({ ...RunIdField, ...landscapeOptionShape }).superRefine(checkLandscapeOptions);
const ReducedInput = ReducedOptionsSchema.extend(RunIdField);
// Derived from the config size limit; see MAX_CONFIG_PAYLOAD_CHARS for why it is larger.
const ConfigText = z.string().max(MAX_CONFIG_PAYLOAD_CHARS);
const FileText = z.strictObject({
  name: z.string().min(1).max(1024),
  text: ConfigText,
});

export const methodInputs = {
  'app.info': z.strictObject({}),
  'runs.list': z.strictObject({
    includeDeleted: z.boolean().default(false),
    /** each summary with its config (the runs table's config columns and filters) */
    withConfig: z.boolean().optional(),
  }),
  'runs.get': RunId,
  'runs.metrics': z.strictObject({
    id: z.number().int().positive(),
    names: z.array(z.string().max(64)).max(64).optional(),
    maxPoints: z.number().int().min(10).max(100_000).default(2000),
    /** every stored point instead (a CSV export); maxPoints is then ignored */
    full: z.boolean().optional(),
  }),
  'runs.create': z.strictObject({ config: RunConfigSchema }),
  'runs.createFromFile': FileText,
  'config.validate': FileText,
  'runs.pause': RunId,
  'runs.resume': RunId,
  'runs.cancel': RunId,
  /** soft delete: the run is hidden and can be restored until purged */
  'runs.delete': RunId,
  'runs.restore': RunId,
  /** replace a run's tags and / or notes */
  'runs.annotate': z.strictObject({
    id: z.number().int().positive(),
    tags: TagList.optional(),
    notes: z.string().max(MAX_NOTES_CHARS).optional(),
  }),
  /** add and remove tags on many runs at once (the runs table's bulk tag) */
  'runs.tag': z.strictObject({
    ids: z.array(z.number().int().positive()).min(1).max(100_000),
    add: TagList.optional(),
    remove: TagList.optional(),
  }),
  /** the spectral signature of a run's first W updates (000 §3) */
  'analysis.spectral': SpectralInput,
  /** will the run reach 99% validation accuracy? (rule, or a model calibrated on the database's finished runs) */
  'analysis.predict': SpectralInput,
  /** PCA of the run's checkpoint trajectory (000 App. B.2) */
  'analysis.pca': RunId,
  /** t4 across runs: against the training fraction (000 App. A.3) or the weight decay (003 App. D) */
  'analysis.fit': z.strictObject({
    ids: z.array(z.number().int().positive()).min(1).max(10_000),
    against: z.enum(['r', 'wd']).default('r'),
    /** t4's validation-accuracy level, a fraction in (0, 1] (default: the task's, phases.ts defaultAccuracyLevel) */
    level: z.number().gt(0).max(1).optional(),
  }),
  /** λmax, λmin of the training loss's Hessian at checkpoints (000 App. B.1), in a compute process */
  'analysis.hessian': HessianInput,
  /** intrinsic dimension (TwoNN, MLE k = 2) of each layer's activations at checkpoints (000 App. C) */
  'analysis.id': IdInput,
  /** the latest stored model probes of a run (computed earlier; null when never) */
  'analysis.stored': RunId,
  /** stops the run's running Hessian / ID probes */
  'analysis.cancelProbes': RunId,
  /** a 1d slice, 1d slices over training or a 2d surface of the loss around checkpoints (000 §4), in a compute
   *  process; resumes a stored unfinished grid with the same parameters */
  'analysis.landscape': LandscapeInput,
  /** the run's stored landscapes (summaries, newest first), the newest one in full, and its reduced landscape */
  'analysis.landscapeStored': RunId,
  /** one stored landscape in full, by its key */
  'analysis.landscapeGet': z.strictObject({ id: z.number().int().positive(), key: z.string().min(1).max(200) }),
  /** Omnigrok's reduced landscape (003 §2-5): constant-norm training over a grid of weight norms × sizes or messiness */
  'analysis.reduced': ReducedInput,
  /** stops the run's running landscape and reduced-landscape grids (what is done stays stored) */
  'analysis.cancelLandscape': RunId,
  'sweeps.list': z.strictObject({}),
  /** a sweep as a grid of cells with their runs' outcomes */
  'sweeps.get': RunId,
  /** starts a sweep from a sweep config file's text (JSON or YAML) */
  'sweeps.createFromFile': z.strictObject({
    name: z.string().min(1).max(1024),
    text: ConfigText,
    mode: z.enum(['predict', 'confirm', 'full']).optional(),
    /** continue an unfinished sweep of exactly this config (and mode) instead of starting a new one */
    resumeSame: z.boolean().optional(),
  }),
  /** continues stopped cells to their full budget: those predicted to grok, or the runs given */
  'sweeps.continue': z.strictObject({ id: z.number().int().positive(), runs: z.array(z.number().int().positive()).max(10_000).optional() }),
  /** the workers on Redis that train this back end's sweep cells (none without --redis) */
  'sweeps.workers': RunId,
  /** picks up a sweep interrupted by a closed or killed back end */
  'sweeps.resume': RunId,
  /** ends a running sweep as cancelled: its unfinished runs are cancelled (kept, resumable), finished ones stay */
  'sweeps.cancel': RunId,
  /** edits a sweep's axes (each its full list of values): extending one runs only the new cells; asNew starts the
   *  edited grid as a new sweep */
  'sweeps.extend': z.strictObject({
    id: z.number().int().positive(),
    axes: z
      .array(
        z.strictObject({
          path: z.string().min(1).max(200),
          values: z
            .array(z.union([z.number(), z.string(), z.boolean()]))
            .min(1)
            .max(1000),
        }),
      )
      .min(1)
      .max(4),
    asNew: z.boolean().optional(),
  }),
  /** the papers' reproductions (issue 19), each with the last stored outcome of its quick and full versions */
  'repro.list': z.strictObject({}),
  /** starts one (progress and end arrive as 'repro.progress' and 'repro.done') */
  'repro.run': z.strictObject({ name: z.string().min(1).max(100), quick: z.boolean() }),
  /** stops a running one: the run or sweep it trains is cancelled, later steps are skipped, no outcome is stored;
   *  resolves once it has stopped ('repro.done' says cancelled) */
  'repro.cancel': z.strictObject({ name: z.string().min(1).max(100) }),
} as const;

export interface MethodOutputs {
  'app.info': AppInfo;
  'runs.list': RunSummary[];
  'runs.get': RunDetail;
  'runs.metrics': MetricSeries[];
  'runs.create': { id: number };
  'runs.createFromFile': { id: number };
  'config.validate': ValidationResult;
  'runs.pause': { ok: true };
  'runs.resume': { ok: true };
  'runs.cancel': { ok: true };
  'runs.delete': { ok: true };
  'runs.restore': { ok: true };
  'runs.annotate': { ok: true };
  'runs.tag': { changed: number };
  'analysis.spectral': SpectralView;
  'analysis.predict': PredictionView;
  'analysis.pca': TrajectoryView;
  'analysis.fit': RunsFit;
  'analysis.hessian': HessianView;
  'analysis.id': IdView;
  'analysis.stored': { hessian: HessianView | null; id: IdView | null };
  'analysis.cancelProbes': { ok: true; cancelled: boolean };
  'analysis.landscape': LandscapeView;
  'analysis.landscapeStored': { landscapes: LandscapeSummary[]; latest: LandscapeView | null; reduced: ReducedView | null };
  'analysis.landscapeGet': LandscapeView;
  'analysis.reduced': ReducedView;
  'analysis.cancelLandscape': { ok: true; cancelled: boolean };
  'sweeps.list': SweepSummary[];
  'sweeps.get': SweepView;
  'sweeps.createFromFile': {
    id: number;
    runIds: number[];
    /** set when an unfinished sweep of the same config was continued instead (resumeSame) */
    resumed?: { kept: number; continued: number; restarted: number; queued: number };
  };
  'sweeps.continue': { runIds: number[] };
  'sweeps.resume': { kept: number; continued: number; restarted: number; queued: number };
  /** how many runs it cancelled */
  'sweeps.cancel': { cancelled: number };
  'sweeps.workers': WorkersView;
  /** the sweep (a new one with asNew), the runs queued, and how many stored runs were kept */
  'sweeps.extend': { id: number; runIds: number[]; kept: number };
  'repro.list': ReproEntry[];
  'repro.run': { started: true };
  'repro.cancel': { cancelled: true };
}

export type MethodName = keyof typeof methodInputs;
export const METHOD_NAMES = Object.keys(methodInputs) as MethodName[];
export type MethodInput<M extends MethodName> = z.input<(typeof methodInputs)[M]>;
export type MethodParsed<M extends MethodName> = z.output<(typeof methodInputs)[M]>;
export type MethodOutput<M extends MethodName> = MethodOutputs[M];

export interface EventPayloads {
  /** new metric points of a live run (batched, every evaluation) */
  'run.progress': { runId: number; step: number; totalSteps: number; points: { name: string; step: number; value: number }[] };
  /** a run changed status (started, paused, finished, failed ...) */
  'run.status': {
    runId: number;
    status: RunStatus;
    error: string | null;
    phases: Phases | null;
    /** where it trains and why (set once it runs), and the step it is at: what a terminal shows when it starts (the
     *  scheduler always sends them; a stand-in may leave them out) */
    backend?: string | null;
    backendNotes?: string[];
    step?: number;
  };
  /** a checkpoint of a run was stored (a live run's page lists it and its probes may use it at once) */
  'run.checkpoint': { runId: number; step: number; bytes: number };
  /** the list of runs changed (created, deleted, restored) */
  'runs.changed': { reason: string };
  /** a run's grokking prediction was made (at the end of its early window) or updated (when it finished) */
  'run.prediction': PredictionView;
  /** a Hessian or intrinsic-dimension probe advanced */
  'probe.progress': ProbeProgress;
  /** a landscape or reduced-landscape grid advanced (with the finished row or cell) */
  'landscape.progress': LandscapeProgress;
  /** a worker on Redis came, went, started or finished a cell (sweeps across machines) */
  'workers.status': WorkersView;
  /** a progress line of a running reproduction */
  'repro.progress': ReproProgress;
  /** a reproduction finished (its stored outcome), failed to run (the error) or was cancelled */
  'repro.done': ReproDone;
}
export type EventName = keyof EventPayloads;
export const EVENT_NAMES: EventName[] = [
  'run.progress',
  'run.status',
  'run.checkpoint',
  'runs.changed',
  'run.prediction',
  'probe.progress',
  'landscape.progress',
  'workers.status',
  'repro.progress',
  'repro.done',
];

/** What the back end implements; transports parse inputs with methodInputs before calling. */
export type ApiHandlers = { [M in MethodName]: (input: MethodParsed<M>) => Promise<MethodOutput<M>> };

/** What the renderer calls; transports implement it. */
export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
    readonly problems?: ApiErrorShape['problems'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.problems ? { problems: this.problems } : {}) };
  }
}

export const isMethodName = (m: unknown): m is MethodName => typeof m === 'string' && Object.hasOwn(methodInputs, m);

/**
 * What the preload exposes as `window.grokscope` (and nothing else). `call` resolves to the dispatcher's envelope,
 * never rejects for API errors; the renderer's bridge unwraps it. `on` returns an unsubscribe function.
 */
export interface PreloadBridge {
  call(method: string, input: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiErrorShape }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** the desktop app's extras (opened and dropped files, menu commands, figure folders); absent in a browser */
  desktop?: DesktopBridge;
}
/** IPC channel names used by main/app and the preload. */
export const IPC_CALL = 'grokscope:call';
export const IPC_EVENT = 'grokscope:event';
