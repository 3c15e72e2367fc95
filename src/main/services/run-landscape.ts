// Loss landscapes of a stored run (000 §4, App. B) and Omnigrok's reduced landscape (003 §2-5): grids computed in a
// compute process started by the same launcher the scheduler uses. Every finished row (landscape) or cell (reduced)
// is stored at once in the analyses table under the grid's parameters and streamed as a 'landscape.progress' event,
// so the view fills in while the grid runs, and a grid that was cancelled or interrupted (a closed app, a killed
// process) continues from its stored rows when it is asked for again with the same parameters.
import type {
  LandscapeOptions,
  LandscapeProgress,
  LandscapeRow,
  LandscapeSummary,
  LandscapeView,
  ReducedCell,
  ReducedOptions,
  ReducedView,
} from '../../shared/api/landscape-types';
import { trajectoryStepsOf } from '../../shared/api/landscape-options';
import { ApiError } from '../../shared/api/contract';
import type { ComputeToHost, HostToCompute } from '../protocol/messages';
import { executionSettings } from '../host/execution-settings';
import type { ComputeLauncher } from '../host/types';
import type { Store } from '../store';
import { loadCheckpoints, storedSteps } from './checkpoints';
import { ComputeJobs, type JobEnd } from './compute-jobs';
import { landscapeParams, pcaRanges, reducedParams } from './landscape-params';
import { storedRun } from './run-analysis';

const LANDSCAPE_KIND = 'landscape';
const REDUCED_KIND = 'reduced';

export interface LandscapeServiceOptions {
  store: Store;
  launcher: ComputeLauncher;
  onProgress?: (p: LandscapeProgress) => void;
  /** how long a cancelled job's process may take to exit before it is killed, in ms (default 10 s) */
  graceMs?: number;
}

/** FNV-1a of the parameters' JSON: the stored grid's key. */
export function gridKey(kind: string, params: unknown): string {
  const s = `${kind}:${JSON.stringify(params)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `${kind === LANDSCAPE_KIND ? 'L' : 'R'}${h.toString(16).padStart(8, '0')}`;
}

const now = () => new Date().toISOString();

export class LandscapeService {
  /** running grids by key */
  private readonly jobs: ComputeJobs;

  constructor(private readonly o: LandscapeServiceOptions) {
    this.jobs = new ComputeJobs({ launcher: o.launcher, ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}) });
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
    const checkpoints = loadCheckpoints(
      this.o.store,
      runId,
      [...wanted].sort((a, b) => a - b),
    );

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
      // rows are spread over the threads a run would have (host/execution-settings)
      request: { config: run.config, params, checkpoints, trajectorySteps, nextSteps, skipRows, execution: executionSettings() },
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
        this.o.onProgress?.({
          runId,
          grid: 'landscape',
          key,
          done,
          total: rowsTotal,
          message: `${at} done`,
          row: { index: m.index, row: m.row },
        });
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
    // cells are spread over the threads a run would have, with its kernel choice (host/execution-settings)
    const request = { config: run.config, params, skip, execution: executionSettings() };
    return this.launch(key, runId, { type: 'reduced', runId, request }, view, save, (m) => {
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
          throw new ApiError(
            'conflict',
            `the grid ${key} of run ${runId} was cancelled; what was done is stored and continues when asked again`,
          );
        throw new Error(`run ${runId}: ${error}`);
      },
    });
  }
}

function linspace([a, b]: [number, number], n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}
