// Probes of a stored run's checkpoints that need a model (000 App. B.1 Hessian eigenvalues, App. C intrinsic
// dimension): run in a compute process started by the same launcher the scheduler uses, so the heavy numerics never
// block the main process. Progress streams as 'probe.progress' events; results are stored in the analyses table.
import type { HessianPoint, HessianProbeOptions, HessianView, IdProbeOptions, IdView, ProbeProgress } from '../../shared/api/types';
import { ApiError } from '../../shared/api/contract';
import { resolveHessian, resolveId } from '../../shared/api/probe-options';
import type { ProbeCheckpoint, ProbeRequest, ProbeResultPoint } from '../protocol/jobs';
import { executionSettings } from '../host/execution-settings';
import type { ComputeLauncher } from '../host/types';
import type { Store } from '../store';
import { loadCheckpoints, pickSteps } from './checkpoints';
import { ComputeJobs } from './compute-jobs';
import { asInputError } from './option-input';
import { storedRun } from './run-analysis';

export interface ProbeServiceOptions {
  store: Store;
  launcher: ComputeLauncher;
  onProgress?: (p: ProbeProgress) => void;
  /** how long a cancelled job's process may take to exit before it is killed, in ms (default 10 s) */
  graceMs?: number;
}

export class ProbeService {
  private readonly jobs: ComputeJobs;
  /** probes of one run may run side by side: each job has its own key */
  private nextKey = 0;

  constructor(private readonly o: ProbeServiceOptions) {
    this.jobs = new ComputeJobs({ launcher: o.launcher, ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}) });
  }

  async hessian(runId: number, opts: HessianProbeOptions = {}): Promise<HessianView> {
    const o = asInputError(() => resolveHessian(opts));
    storedRun(this.o.store, runId);
    const { picked, stored } = pickSteps(this.o.store, runId, o.steps, o.maxCheckpoints, 'the Hessian');
    const run = this.o.store.runs.get(runId)!;
    const result = await this.launch(
      runId,
      'hessian',
      (checkpoints) => ({
        kind: 'hessian',
        config: run.config,
        checkpoints,
        excludeOneDim: o.excludeOneDim,
        maxIter: o.maxIter,
        tol: o.tol,
      }),
      picked,
    );
    const view: HessianView = {
      runId,
      hvp: 'exact',
      dim: result.dim,
      excludeOneDim: o.excludeOneDim,
      excluded: result.excluded,
      tol: o.tol,
      maxIter: o.maxIter,
      points: result.points
        .flatMap((p) => (p.kind === 'hessian' ? [p.point] : []))
        .sort((a: HessianPoint, b: HessianPoint) => a.step - b.step),
      thinnedFrom: stored,
    };
    this.o.store.analyses.save(
      runId,
      'hessian',
      { steps: picked, excludeOneDim: o.excludeOneDim, maxIter: o.maxIter, tol: o.tol },
      view,
      new Date().toISOString(),
    );
    return view;
  }

  async intrinsicDimension(runId: number, opts: IdProbeOptions = {}): Promise<IdView> {
    const o = asInputError(() => resolveId(opts));
    storedRun(this.o.store, runId);
    const { picked, stored } = pickSteps(this.o.store, runId, o.steps, o.maxCheckpoints, 'intrinsic dimension');
    const run = this.o.store.runs.get(runId)!;
    const result = await this.launch(
      runId,
      'id',
      (checkpoints) => ({ kind: 'id', config: run.config, checkpoints, maxPoints: o.maxPoints }),
      picked,
    );
    const points = result.points
      .flatMap((p) => (p.kind === 'id' ? [{ step: p.step, layers: p.layers }] : []))
      .sort((a, b) => a.step - b.step);
    const layers = [...new Set(points.flatMap((p) => p.layers.map((l) => l.layer)))];
    const view: IdView = { runId, layers, points, maxPoints: o.maxPoints, thinnedFrom: stored };
    this.o.store.analyses.save(runId, 'id', { steps: picked, maxPoints: o.maxPoints }, view, new Date().toISOString());
    return view;
  }

  /** Asks every probe of a run to stop (their calls reject with a 'conflict' ApiError); true when one was running. */
  cancel(runId: number): boolean {
    return this.jobs.cancel(runId);
  }

  /** Stops every probe (hard): for shutdown. */
  close(): void {
    this.jobs.close();
  }

  private launch(
    runId: number,
    kind: 'hessian' | 'id',
    request: (checkpoints: ProbeCheckpoint[]) => ProbeRequest,
    steps: number[],
  ): Promise<{ dim: number; excluded: string[]; points: ProbeResultPoint[] }> {
    const checkpoints = loadCheckpoints(this.o.store, runId, steps);
    const points: ProbeResultPoint[] = [];
    let dim = 0;
    let excluded: string[] = [];
    return this.jobs.start({
      key: `probe-${this.nextKey++}`,
      runId,
      // checkpoints are spread over the threads a run would have (host/execution-settings)
      request: { type: 'probe', runId, request: { ...request(checkpoints), execution: executionSettings() } },
      onMessage: (m) => {
        if (m.type === 'probe-info') {
          dim = m.dim;
          excluded = m.excluded;
        } else if (m.type === 'probe-progress') {
          this.o.onProgress?.({ runId, kind, done: m.done, total: m.total, message: m.message });
        } else if (m.type === 'probe-point') {
          points.push(m.result);
        }
      },
      end: (e) => {
        if (e.how === 'completed') return { dim, excluded, points };
        if (e.how === 'cancelled') throw new ApiError('conflict', `the ${kind} probe of run ${runId} was cancelled`);
        if (e.how === 'exited') throw new Error(`run ${runId}: the ${kind} probe stopped: ${e.reason}`);
        throw new Error(`run ${runId}: ${e.message}`);
      },
    });
  }
}
