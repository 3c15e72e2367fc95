// Probes of a stored run's checkpoints that need a model (000 App. B.1 Hessian eigenvalues, App. C intrinsic
// dimension): run in a compute process started by the same launcher the scheduler uses, so the heavy numerics never
// block the main process. Progress streams as 'probe.progress' events; results are stored in the analyses table.
import type { HessianPoint, HessianProbeOptions, HessianView, IdProbeOptions, IdView, ProbeProgress } from '../../shared/api/types';
import type { ComputeToHost } from '../protocol/messages';
import type { ProbeCheckpoint, ProbeRequest, ProbeResultPoint } from '../protocol/jobs';
import type { ComputeChannel, ComputeLauncher } from '../host/types';
import type { Store } from '../store';
import { AnalysisInputError, storedRun } from './run-analysis';
import { thinIndices } from './run-trajectory';

export const HESSIAN_DEFAULTS = { maxCheckpoints: 12, maxIter: 30, tol: 1e-2, excludeOneDim: false } as const;
export const ID_DEFAULTS = { maxCheckpoints: 20, maxPoints: 1000 } as const;

export class ProbeCancelledError extends Error {}

export interface ProbeServiceOptions {
  store: Store;
  launcher: ComputeLauncher;
  onProgress?: (p: ProbeProgress) => void;
}

/** The checkpoints to probe: the steps asked for (each must be stored), else all of them evenly thinned to `max`. */
function pickCheckpoints(store: Store, runId: number, steps: number[] | undefined, max: number, what: string): { picked: number[]; stored: number } {
  storedRun(store, runId);
  const all = store.checkpoints.list(runId).map((c) => c.step);
  if (all.length === 0)
    throw new AnalysisInputError(
      `run ${runId} has no stored checkpoints; ${what} needs the model's weights (set training.checkpointEvery, or checkpointPowersOfTwo, in its config)`,
    );
  if (steps && steps.length > 0) {
    const missing = steps.filter((s) => !all.includes(s));
    if (missing.length > 0)
      throw new AnalysisInputError(`run ${runId} has no checkpoint at step ${missing.join(', ')} (stored: ${all.join(', ')})`);
    return { picked: [...new Set(steps)].sort((a, b) => a - b), stored: all.length };
  }
  return { picked: thinIndices(all.length, Math.max(1, max)).map((i) => all[i]!), stored: all.length };
}

export class ProbeService {
  private readonly active = new Map<number, Set<ComputeChannel>>();

  constructor(private readonly o: ProbeServiceOptions) {}

  async hessian(runId: number, opts: HessianProbeOptions = {}): Promise<HessianView> {
    const o = { ...HESSIAN_DEFAULTS, ...stripUndefined(opts) };
    if (!(o.tol > 0 && o.tol < 1)) throw new AnalysisInputError(`tol must be in (0, 1), got ${o.tol}`);
    if (!(Number.isInteger(o.maxIter) && o.maxIter >= 2)) throw new AnalysisInputError(`maxIter must be an integer ≥ 2, got ${o.maxIter}`);
    const { picked, stored } = pickCheckpoints(this.o.store, runId, opts.steps, o.maxCheckpoints, 'the Hessian');
    const run = this.o.store.runs.get(runId)!;
    const result = await this.launch(runId, 'hessian', (checkpoints) => ({
      kind: 'hessian',
      config: run.config,
      checkpoints,
      excludeOneDim: o.excludeOneDim,
      maxIter: o.maxIter,
      tol: o.tol,
    }), picked);
    const view: HessianView = {
      runId,
      hvp: 'exact',
      dim: result.dim,
      excludeOneDim: o.excludeOneDim,
      excluded: result.excluded,
      tol: o.tol,
      maxIter: o.maxIter,
      points: result.points.flatMap((p) => (p.kind === 'hessian' ? [p.point] : [])).sort((a: HessianPoint, b: HessianPoint) => a.step - b.step),
      thinnedFrom: stored,
    };
    this.o.store.analyses.save(runId, 'hessian', { steps: picked, excludeOneDim: o.excludeOneDim, maxIter: o.maxIter, tol: o.tol }, view, new Date().toISOString());
    return view;
  }

  async intrinsicDimension(runId: number, opts: IdProbeOptions = {}): Promise<IdView> {
    const o = { ...ID_DEFAULTS, ...stripUndefined(opts) };
    if (!(Number.isInteger(o.maxPoints) && o.maxPoints >= 4)) throw new AnalysisInputError(`maxPoints must be an integer ≥ 4, got ${o.maxPoints}`);
    const { picked, stored } = pickCheckpoints(this.o.store, runId, opts.steps, o.maxCheckpoints, 'intrinsic dimension');
    const run = this.o.store.runs.get(runId)!;
    const result = await this.launch(runId, 'id', (checkpoints) => ({ kind: 'id', config: run.config, checkpoints, maxPoints: o.maxPoints }), picked);
    const points = result.points
      .flatMap((p) => (p.kind === 'id' ? [{ step: p.step, layers: p.layers }] : []))
      .sort((a, b) => a.step - b.step);
    const layers = [...new Set(points.flatMap((p) => p.layers.map((l) => l.layer)))];
    const view: IdView = { runId, layers, points, maxPoints: o.maxPoints, thinnedFrom: stored };
    this.o.store.analyses.save(runId, 'id', { steps: picked, maxPoints: o.maxPoints }, view, new Date().toISOString());
    return view;
  }

  /** Asks every probe of a run to stop (their calls reject with ProbeCancelledError); true when one was running. */
  cancel(runId: number): boolean {
    const set = this.active.get(runId);
    if (!set || set.size === 0) return false;
    for (const ch of set) ch.send({ type: 'cancel' });
    return true;
  }

  /** Stops every probe (hard): for shutdown. */
  close(): void {
    for (const set of this.active.values()) for (const ch of set) ch.kill();
    this.active.clear();
  }

  private launch(
    runId: number,
    kind: 'hessian' | 'id',
    request: (checkpoints: ProbeCheckpoint[]) => ProbeRequest,
    steps: number[],
  ): Promise<{ dim: number; excluded: string[]; points: ProbeResultPoint[] }> {
    const checkpoints = steps.map((step) => {
      const state = this.o.store.checkpoints.load(runId, step);
      if (!state) throw new AnalysisInputError(`run ${runId}: the checkpoint at step ${step} is gone`);
      return { step, params: state.params };
    });
    const channel = this.o.launcher.launch();
    const set = this.active.get(runId) ?? new Set<ComputeChannel>();
    set.add(channel);
    this.active.set(runId, set);
    const points: ProbeResultPoint[] = [];
    let dim = 0;
    let excluded: string[] = [];
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        set.delete(channel);
        f();
      };
      channel.onMessage((m: ComputeToHost) => {
        switch (m.type) {
          case 'probe-info':
            dim = m.dim;
            excluded = m.excluded;
            return;
          case 'probe-progress':
            this.o.onProgress?.({ runId, kind, done: m.done, total: m.total, message: m.message });
            return;
          case 'probe-point':
            points.push(m.result);
            return;
          case 'probe-done':
            settle(() =>
              m.reason === 'cancelled' ? reject(new ProbeCancelledError(`the ${kind} probe of run ${runId} was cancelled`)) : resolve({ dim, excluded, points }),
            );
            return;
          case 'error':
            settle(() => reject(new Error(`run ${runId}: ${m.message}`)));
            return;
          default:
            return;
        }
      });
      channel.onExit((exit) => settle(() => reject(new Error(`run ${runId}: the ${kind} probe stopped: ${exit.reason}`))));
      channel.send({ type: 'probe', runId, request: request(checkpoints) });
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
