// Loss landscapes of a stored run (000 §4, App. B) and Omnigrok's reduced landscape (003 §2-5): grids computed in a
// compute process started by the same launcher the scheduler uses. Every finished row (landscape) or cell (reduced)
// is stored at once in the analyses table under the grid's parameters and streamed as a 'landscape.progress' event,
// so the view fills in while the grid runs, and a grid that was cancelled or interrupted (a closed app, a killed
// process) continues from its stored rows when it is asked for again with the same parameters.
import type {
  LandscapeOptions,
  LandscapeParams,
  LandscapeProgress,
  LandscapeRow,
  LandscapeSummary,
  LandscapeView,
  ReducedAxisPath,
  ReducedCell,
  ReducedOptions,
  ReducedParams,
  ReducedView,
} from '../../shared/api/landscape-types';
import type { RunConfig } from '../../shared/config/run-config';
import { trajectoryPca } from '../../shared/analysis/trajectory-pca';
import { ApiError } from '../../shared/api/contract';
import type { ComputeToHost, HostToCompute } from '../protocol/messages';
import { CellConfigError, cellConfig } from '../compute/probes/reduced/cell-config';
import type { ComputeLauncher } from '../host/types';
import type { Store } from '../store';
import { flattenParams, loadCheckpoints, requireSteps, storedSteps, thinIndices } from './checkpoints';
import { ComputeJobs, type JobEnd } from './compute-jobs';
import { storedRun } from './run-analysis';

export const LANDSCAPE_DEFAULTS = {
  range: [-1, 1] as [number, number],
  points1d: 51,
  points2d: 41,
  maxCheckpoints: 40,
  /** checkpoints of the trajectory sent for PCA and the projection on a 2d plane (evenly thinned, last kept) */
  trajectoryCheckpoints: 40,
  seed: 0,
} as const;

export const REDUCED_DEFAULTS = {
  /** w/w0 from 1/4 to 4, log-spaced: the range where 003 Figs. 2-3 show the L and the U */
  scales: [0.25, 0.4, 0.63, 1, 1.59, 2.52, 4],
  maxSteps: 1000,
  evalPoints: 50,
} as const;

const LANDSCAPE_KIND = 'landscape';
const REDUCED_KIND = 'reduced';

export interface LandscapeServiceOptions {
  store: Store;
  launcher: ComputeLauncher;
  onProgress?: (p: LandscapeProgress) => void;
}

/** FNV-1a of the parameters' JSON: the stored grid's key. */
export function gridKey(kind: string, params: unknown): string {
  const s = `${kind}:${JSON.stringify(params)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `${kind === LANDSCAPE_KIND ? 'L' : 'R'}${h.toString(16).padStart(8, '0')}`;
}

const now = () => new Date().toISOString();

/** Fills the defaults in and checks the options against the run's checkpoints. */
export function landscapeParams(store: Store, runId: number, o: LandscapeOptions): LandscapeParams {
  const all = storedSteps(store, runId, 'a loss landscape');
  const kind = o.kind ?? '1d';
  const direction = o.direction ?? (kind === '1d-training' ? 'target' : 'random');
  const direction2 = kind === '2d' ? (o.direction2 ?? (direction === 'pca' ? 'pca' : 'random')) : null;
  if (kind !== '2d' && (o.direction2 !== undefined || o.range2 !== undefined || o.points2 !== undefined))
    throw new ApiError('invalid_input', `direction2, range2 and points2 belong to a 2d surface; kind is ${kind}`);
  const allPca = direction === 'pca' && (direction2 === null || direction2 === 'pca');
  const normalization = o.normalization ?? (allPca ? 'raw' : 'filter');
  const range = o.range ?? LANDSCAPE_DEFAULTS.range;
  for (const [name, r] of [['range', range], ['range2', o.range2]] as const)
    if (r && !(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1])) throw new ApiError('invalid_input', `${name} must be [from, to] with from < to, got [${r.join(', ')}]`);
  const points = o.points ?? (kind === '2d' ? LANDSCAPE_DEFAULTS.points2d : LANDSCAPE_DEFAULTS.points1d);
  for (const [name, n] of [['points', points], ['points2', o.points2]] as const)
    if (n !== undefined && !(Number.isInteger(n) && n >= 2 && n <= 1001)) throw new ApiError('invalid_input', `${name} must be an integer in [2, 1001], got ${n}`);
  const last = all[all.length - 1]!;
  const usesNext = direction === 'next' || direction2 === 'next';
  const usesTarget = direction === 'target' || direction2 === 'target';
  // the trajectory PCA centres the T − 1 differences θ_s − θ_T, so PC k needs at least k + 2 checkpoints
  const pcaNeeds = direction2 === 'pca' ? 4 : direction === 'pca' ? 3 : 0;
  if (all.length < pcaNeeds)
    throw new ApiError('invalid_input', `run ${runId} has ${all.length} checkpoint(s); ${pcaNeeds === 4 ? 'the second PCA direction needs' : 'a PCA direction needs'} at least ${pcaNeeds}`);
  if (direction2 !== null && direction2 === direction && direction !== 'random' && direction !== 'pca')
    throw new ApiError('invalid_input', `direction and direction2 are both "${direction}": the surface would be a line`);
  let steps: number[];
  if (kind === '1d-training') {
    if (o.step !== undefined) throw new ApiError('invalid_input', '1d-training takes steps (one slice per checkpoint), not step');
    if (o.steps && o.steps.length > 0) {
      steps = requireSteps(runId, all, o.steps);
    } else {
      // θ* − θ_T and θ_{T+1} − θ_T do not exist at the final checkpoint: leave it out of the default
      const pool = usesNext || usesTarget ? all.slice(0, -1) : all;
      if (pool.length === 0) throw new ApiError('invalid_input', `run ${runId} has only its final checkpoint; ${direction} directions need an earlier one`);
      const max = o.maxCheckpoints ?? LANDSCAPE_DEFAULTS.maxCheckpoints;
      steps = thinIndices(pool.length, Math.max(1, max)).map((i) => pool[i]!);
    }
  } else {
    if (o.steps !== undefined) throw new ApiError('invalid_input', `${kind} takes one centre checkpoint (step), not steps`);
    const step = o.step ?? last;
    if (!all.includes(step)) throw new ApiError('invalid_input', `run ${runId} has no checkpoint at step ${step} (stored: ${all.join(', ')})`);
    steps = [step];
  }
  if ((usesNext || usesTarget) && steps.includes(last))
    throw new ApiError('invalid_input', 
      `the ${usesNext ? 'θ_{t+1} − θ_t' : 'θ* − θ_t'} direction is zero or missing at the final checkpoint (step ${last}); choose an earlier checkpoint`,
    );
  return {
    kind,
    steps,
    direction,
    direction2,
    normalization,
    oneDim: o.oneDim ?? 'zero',
    orthogonalize: kind === '2d' ? (o.orthogonalize ?? false) : false,
    seed: o.seed ?? LANDSCAPE_DEFAULTS.seed,
    range: [range[0], range[1]],
    points,
    range2: kind === '2d' ? ([...(o.range2 ?? range)] as [number, number]) : null,
    points2: kind === '2d' ? (o.points2 ?? points) : null,
    ...(o.splits === 'train' ? { splits: 'train' as const } : {}),
  };
}

/** The checkpoints the compute process gets as the trajectory (PCA, projection on a 2d plane); the last is θ*. */
export function trajectoryStepsOf(all: number[], params: LandscapeParams): number[] {
  const needsTrajectory = params.kind === '2d' || params.direction === 'pca' || params.direction2 === 'pca';
  if (!needsTrajectory) return [all[all.length - 1]!];
  return [...new Set([...thinIndices(all.length, LANDSCAPE_DEFAULTS.trajectoryCheckpoints).map((i) => all[i]!), ...params.steps])].sort((a, b) => a - b);
}

/** Rounds to 3 significant digits, so a computed range reads well and keys stay stable. */
const round3 = (x: number): number => (x === 0 ? 0 : Number(x.toPrecision(3)));

/**
 * Raw PCA directions are unit vectors in parameter space, where [−1, 1] rarely covers the path: when the range of a
 * raw PCA axis is not given, it is set to the trajectory's extent along that axis (coordinates relative to the centre,
 * as the compute process projects them) plus 10% on each side, as Li et al. frame the PCA plane around the path.
 */
export function pcaRanges(store: Store, runId: number, params: LandscapeParams, opts: LandscapeOptions): void {
  if (params.normalization !== 'raw' || params.kind === '1d-training') return;
  const axes = [params.direction === 'pca' && opts.range === undefined, params.kind === '2d' && params.direction2 === 'pca' && opts.range2 === undefined];
  if (!axes.some(Boolean)) return;
  const all = storedSteps(store, runId, 'a loss landscape');
  const steps = trajectoryStepsOf(all, params);
  const thetas = loadCheckpoints(store, runId, steps).map((c) => flattenParams(c.params));
  const pca = trajectoryPca(thetas, { components: 2 });
  const c = steps.indexOf(params.steps[0]!);
  const extent = (k: number): [number, number] => {
    const xs = pca.projections[k]!.map((x) => x - pca.projections[k]![c]!);
    const lo = Math.min(0, ...xs);
    const hi = Math.max(0, ...xs);
    const pad = 0.1 * (hi - lo || 1);
    return [round3(lo - pad), round3(hi + pad)];
  };
  if (axes[0]) params.range = extent(0);
  if (axes[1]) params.range2 = extent(1);
}

/** The task field a reduced landscape's second axis sets, by default. */
function defaultAxis(config: RunConfig): ReducedAxisPath {
  if (config.task.kind === 'messiness') return 'task.messiness';
  return 'trainSize' in config.task ? 'task.trainSize' : 'task.trainFraction';
}

export function reducedParams(config: RunConfig, o: ReducedOptions): ReducedParams {
  const axis = o.axis ?? defaultAxis(config);
  const field = axis.slice('task.'.length);
  const own = (config.task as Record<string, unknown>)[field];
  if (typeof own !== 'number' && o.values === undefined)
    throw new ApiError('invalid_input', `task "${config.task.kind}" has no ${axis}; choose axis ${defaultAxis(config)}`);
  const steps = o.steps ?? Math.min(config.training.steps, REDUCED_DEFAULTS.maxSteps);
  const p: ReducedParams = {
    scales: [...(o.scales ?? REDUCED_DEFAULTS.scales)],
    axis,
    values: [...(o.values ?? [own as number])],
    steps,
    evalEvery: o.evalEvery ?? Math.max(1, Math.floor(steps / REDUCED_DEFAULTS.evalPoints)),
    lrScaling: o.lrScaling ?? 'fixed',
    ...(o.lrSchedule ? { lrSchedule: o.lrSchedule } : {}),
  };
  if (p.scales.some((s) => !(s > 0 && s <= 1000))) throw new ApiError('invalid_input', `scales must be in (0, 1000], got ${p.scales.join(', ')}`);
  if (!(Number.isInteger(p.steps) && p.steps >= 1)) throw new ApiError('invalid_input', `steps must be a positive integer, got ${p.steps}`);
  if (!(Number.isInteger(p.evalEvery) && p.evalEvery >= 1)) throw new ApiError('invalid_input', `evalEvery must be a positive integer, got ${p.evalEvery}`);
  // every cell's config must be valid before a process starts (e.g. trainFraction 1.2, trainSize on a modular task)
  for (const v of p.values)
    try {
      cellConfig(config, p, p.scales[0]!, v);
    } catch (e) {
      if (e instanceof CellConfigError) throw new ApiError('invalid_input', e.message);
      throw e;
    }
  return p;
}

export class LandscapeService {
  /** running grids by key */
  private readonly jobs: ComputeJobs;

  constructor(private readonly o: LandscapeServiceOptions) {
    this.jobs = new ComputeJobs({ launcher: o.launcher });
  }

  /** Computes (or continues, or returns the stored) landscape of a run. */
  async landscape(runId: number, opts: LandscapeOptions = {}): Promise<LandscapeView> {
    const run = storedRun(this.o.store, runId);
    const params = landscapeParams(this.o.store, runId, opts);
    if (opts.range === undefined || (params.kind === '2d' && opts.range2 === undefined)) pcaRanges(this.o.store, runId, params, opts);
    const key = gridKey(LANDSCAPE_KIND, params);
    const running = this.jobs.get<LandscapeView>(key);
    if (running) return running;
    const stored = this.findStored<LandscapeView>(runId, LANDSCAPE_KIND, key);
    if (stored?.status === 'completed') return Promise.resolve(stored);

    const t = new Date().toISOString();
    const rowsTotal = params.kind === '2d' ? params.points2! : params.steps.length;
    const view: LandscapeView = stored
      ? { ...stored, status: 'running', error: null, resumedRows: stored.rows.filter((r) => r !== null).length }
      : {
          runId,
          key,
          params,
          status: 'running',
          backend: null,
          alphas: linspace(params.range, params.points),
          betas: params.kind === '2d' ? linspace(params.range2!, params.points2!) : null,
          rows: new Array<LandscapeRow | null>(rowsTotal).fill(null),
          directions: [],
          trajectory: null,
          dim: 0,
          pointsPerSecond: null,
          resumedRows: 0,
          error: null,
          createdAt: t,
          updatedAt: t,
        };
    const skipRows = view.rows.flatMap((r, i) => (r ? [i] : []));

    // the checkpoints the grid needs: centres, the next one after each, the final one, and the trajectory
    const all = storedSteps(this.o.store, runId, 'a loss landscape');
    const trajectorySteps = trajectoryStepsOf(all, params);
    const nextSteps = params.steps.map((s) => all[all.indexOf(s) + 1] ?? null);
    const wanted = new Set([...params.steps, ...trajectorySteps, ...nextSteps.filter((s): s is number => s !== null)]);
    const checkpoints = loadCheckpoints(this.o.store, runId, [...wanted].sort((a, b) => a - b));

    let computed = 0;
    let computeSeconds = 0;
    const save = () => {
      view.updatedAt = now();
      this.o.store.analyses.save(runId, LANDSCAPE_KIND, { key, ...params }, view, view.updatedAt);
    };
    save();
    const request: HostToCompute = {
      type: 'landscape',
      runId,
      request: { config: run.config, params, checkpoints, trajectorySteps, nextSteps, skipRows },
    };
    return this.launch(key, runId, request, view, save, (m) => {
      if (m.type === 'grid-info') {
        view.backend = m.backend;
        view.dim = m.dim;
        view.directions = m.directions;
        view.trajectory = m.trajectory;
        save();
      } else if (m.type === 'grid-row') {
        view.rows[m.index] = m.row;
        computed += m.row.train.loss.length;
        computeSeconds += m.seconds;
        view.pointsPerSecond = computeSeconds > 0 ? computed / computeSeconds : null;
        save();
        const done = view.rows.filter((r) => r !== null).length;
        const at = params.kind === '2d' ? `β = ${m.row.beta!.toPrecision(3)}` : `step ${m.row.step}`;
        this.o.onProgress?.({ runId, grid: 'landscape', key, done, total: rowsTotal, message: `${at} done`, row: { index: m.index, row: m.row } });
      } else if (m.type === 'probe-progress') {
        this.o.onProgress?.({ runId, grid: 'landscape', key, done: m.done, total: m.total, message: m.message });
      }
    });
  }

  /** Computes (or continues, or returns the stored) reduced landscape, taking the run's config as the base. */
  async reduced(runId: number, opts: ReducedOptions = {}): Promise<ReducedView> {
    const run = storedRun(this.o.store, runId);
    const params = reducedParams(run.config, opts);
    const key = gridKey(REDUCED_KIND, params);
    const running = this.jobs.get<ReducedView>(key);
    if (running) return running;
    const stored = this.findStored<ReducedView>(runId, REDUCED_KIND, key);
    if (stored?.status === 'completed') return Promise.resolve(stored);
    const t = now();
    const view: ReducedView = stored
      ? { ...stored, status: 'running', error: null, resumedCells: stored.cells.flat().filter((c) => c !== null).length }
      : {
          runId,
          key,
          params,
          status: 'running',
          backend: null,
          w0: null,
          cells: params.values.map(() => params.scales.map((): ReducedCell | null => null)),
          resumedCells: 0,
          error: null,
          createdAt: t,
          updatedAt: t,
        };
    const skip = view.cells.flatMap((row, v) => row.flatMap((c, s): [number, number][] => (c ? [[v, s]] : [])));
    const save = () => {
      view.updatedAt = now();
      this.o.store.analyses.save(runId, REDUCED_KIND, { key, ...params }, view, view.updatedAt);
    };
    save();
    return this.launch(key, runId, { type: 'reduced', runId, request: { config: run.config, params, skip } }, view, save, (m) => {
      if (m.type === 'grid-info') {
        view.backend = m.backend;
        view.w0 = m.w0;
        save();
      } else if (m.type === 'grid-cell') {
        view.cells[m.v]![m.s] = m.cell;
        save();
        this.o.onProgress?.({
          runId,
          grid: 'reduced',
          key,
          done: view.cells.flat().filter((c) => c !== null).length,
          total: params.values.length * params.scales.length,
          message: `α ${m.cell.scale}, ${params.axis} ${m.cell.value}`,
          cell: { v: m.v, s: m.s, cell: m.cell },
        });
      } else if (m.type === 'probe-progress') {
        this.o.onProgress?.({ runId, grid: 'reduced', key, done: m.done, total: m.total, message: m.message });
      }
    });
  }

  /** The run's stored landscapes (newest first), the newest in full, and its newest reduced landscape. */
  stored(runId: number): { landscapes: LandscapeSummary[]; latest: LandscapeView | null; reduced: ReducedView | null } {
    storedRun(this.o.store, runId);
    const rows = this.o.store.analyses.forRun(runId).reverse();
    const views = rows.filter((r) => r.kind === LANDSCAPE_KIND).map((r) => this.live(r.result as LandscapeView));
    const reduced = rows.find((r) => r.kind === REDUCED_KIND);
    return {
      landscapes: views.map((v) => ({
        runId,
        key: v.key,
        params: v.params,
        status: v.status,
        rowsDone: v.rows.filter((r) => r !== null).length,
        rowsTotal: v.rows.length,
        updatedAt: v.updatedAt,
      })),
      latest: views[0] ?? null,
      reduced: reduced ? this.live(reduced.result as ReducedView) : null,
    };
  }

  get(runId: number, key: string): LandscapeView {
    storedRun(this.o.store, runId);
    const v = this.findStored<LandscapeView>(runId, LANDSCAPE_KIND, key);
    if (!v) throw new ApiError('not_found', `run ${runId} has no stored landscape ${key}`);
    return v;
  }

  /** Asks every grid of a run to stop (their calls reject with a 'conflict' ApiError); true when one was running. */
  cancel(runId: number): boolean {
    return this.jobs.cancel(runId);
  }

  close(): void {
    this.jobs.close();
  }

  /** A stored 'running' grid that no process here computes was interrupted. */
  private live<V extends { key: string; status: LandscapeView['status'] }>(v: V): V {
    return v.status === 'running' && !this.jobs.has(v.key) ? { ...v, status: 'interrupted' } : v;
  }

  private findStored<V extends { key: string; status: LandscapeView['status'] }>(runId: number, kind: string, key: string): V | null {
    const row = this.o.store.analyses
      .forRun(runId)
      .reverse()
      .find((r) => r.kind === kind && (r.params as { key?: string }).key === key);
    return row ? this.live(row.result as V) : null;
  }

  /** Runs the grid's compute job; how it ends is stored in the view, which the job resolves with when completed. */
  private launch<V extends { status: LandscapeView['status']; error: string | null }>(
    key: string,
    runId: number,
    request: HostToCompute,
    view: V,
    save: () => void,
    onMessage: (m: ComputeToHost) => void,
  ): Promise<V> {
    return this.jobs.start({
      key,
      runId,
      request,
      onMessage,
      end: (e: JobEnd) => {
        const [status, error]: [V['status'], string | null] =
          e.how === 'completed' || e.how === 'cancelled'
            ? [e.how, null]
            : e.how === 'error'
              ? ['failed', e.message]
              : e.how === 'exited'
                ? ['interrupted', `the grid's compute process stopped: ${e.reason}`]
                : ['failed', `storing the grid failed: ${e.message}`];
        view.status = status;
        view.error = error;
        save();
        if (status === 'completed') return view;
        if (status === 'cancelled')
          throw new ApiError('conflict', `the grid ${key} of run ${runId} was cancelled; what was done is stored and continues when asked again`);
        throw new Error(`run ${runId}: ${error}`);
      },
    });
  }
}

function linspace([a, b]: [number, number], n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}
