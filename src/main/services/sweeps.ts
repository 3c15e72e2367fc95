// Sweeps (DESIGN.md "sweeps"): expand a sweep config into queued runs (one per cell and seed), let the
// executor keep its workers busy, apply the grokking-aware policy after each run's early window, and summarise the
// grid. The executor is an interface so that a distributed queue can take the local scheduler's place.
//
// Policy (000 §3): `predict` trains every cell for the window, predicts, and stops it (resumable: the stop keeps a
// checkpoint); `confirm` stops only the cells predicted not to grok; `full` runs every cell to its budget. A stopped
// cell can later be continued to its budget (continueCells). With window `auto` (the default) a cell is asked at the
// shipped predictor's windows in turn and stops at the first confident answer; a cell with no confident answer at
// the last window trains on to its budget instead of being guessed (sweep-policy.ts).
import { ApiError } from '../../shared/api/contract';
import { isHeldBySweep, sweepHoldReason, sweepLevelReason } from '../../shared/api/run-status';
import { decideAtWindow, windowsFor } from './sweep-policy';
import { SHIPPED } from './shipped-prediction';
import type { ShippedPredictor } from '../../shared/analysis/predictor-shipped';
import { STEP_LOSS_METRIC } from '../../shared/analysis/predictor';
import {
  axisValues,
  expandSweep,
  type SweepCell,
  type SweepConfig,
  type SweepMode,
  type SweepWindow,
} from '../../shared/config/sweep-config';
import type { PredictionView, RunStatus, SweepCellView, SweepSummary, SweepView } from '../../shared/api/types';
import type { Store, SweepRow } from '../store';
import type { RunOwner } from '../store/runs-repo';
import type { EventBus } from './backend-api';
import { cellsOf, editedConfig, missingCells, placeRuns, type AxisEdit } from './sweep-extend';

/** What a sweep needs from whatever trains its runs (the local RunScheduler, or a distributed queue). */
export interface SweepExecutor {
  /**
   * queue a stored run (status queued); with `holdAt`, the run pauses itself after that many updates and waits for
   * stop or continue, so a predict sweep's window costs exactly its updates however long the decision takes
   */
  submit(runId: number, holdAt?: number): void;
  /** stop a running run early, keeping a checkpoint to continue from */
  stop(runId: number, note: string): Promise<void>;
  /** continue a stopped, held or interrupted run (from its last checkpoint); with `holdAt`, it holds again there */
  continue(runId: number, holdAt?: number): Promise<void>;
  /** run again from step 0 an interrupted run without a checkpoint */
  restart(runId: number): void;
}

/** What the policy reads of a 'run.progress' event. */
type Progress = { runId: number; points: { name: string; step: number; value?: number }[] };

const DONE: readonly RunStatus[] = ['completed', 'cancelled', 'diverged', 'failed'];

export class SweepService {
  /** sweeps whose policy this back end applies: sweep id → mode and window */
  private readonly active = new Map<number, { mode: SweepMode; window: SweepWindow }>();
  /** run → the last window the policy asked at (Infinity: decided for good) */
  private readonly decided = new Map<number, number>();
  /** predict-mode runs with no confident answer at their last window, training on: run → (sweep, level). Each stops
   *  once it reaches the level, its answer then being observed (the rest of its budget would not change it). */
  private readonly untilLevel = new Map<number, { sweepId: number; level: number }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly executor: SweepExecutor,
    private readonly flush: () => void,
    private readonly owner: RunOwner,
    /** the predictor whose windows and models the policy uses (tests give their own) */
    private readonly shipped: ShippedPredictor = SHIPPED,
  ) {
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event === 'run.progress') this.onProgress(payload as Progress);
      // only a run reaching its end can complete a sweep: other statuses skip reading the sweep's runs
      else if (event === 'run.status' && DONE.includes((payload as { status: RunStatus }).status)) {
        this.untilLevel.delete((payload as { runId: number }).runId);
        this.onStatus((payload as { runId: number }).runId);
      }
    });
  }

  /** Stops listening; sweeps still running here are marked interrupted (resume picks them up). */
  dispose(): void {
    this.unsubscribe();
    for (const id of this.active.keys()) this.store.sweeps.setStatus(id, 'interrupted', null);
    this.active.clear();
  }

  /** Stores the sweep and queues its runs; the mode given here overrides the config's policy. */
  start(config: SweepConfig, cells: SweepCell[], mode: SweepMode = config.policy.mode): { id: number; runIds: number[] } {
    const now = new Date().toISOString();
    const stored: SweepConfig = { ...config, policy: { ...config.policy, mode } };
    const id = this.store.sweeps.insert(config.name ?? `sweep of ${cells.length} runs`, stored, now);
    const runIds = this.store.db.transaction(() =>
      cells.map((c) => this.store.runs.insert({ name: c.config.name!, config: c.config, createdAt: now, owner: this.owner, sweepId: id })),
    )();
    this.active.set(id, { mode, window: config.policy.window });
    this.events.emit('runs.changed', { reason: 'created' });
    for (const r of runIds) this.executor.submit(r, this.holdFor(mode, config.policy.window, r));
    return { id, runIds };
  }

  /**
   * Edits a sweep's axes (sweep-extend.ts). Extending one stores and queues only the new cells under the sweep's
   * policy, keeping the cells already run; `asNew` starts the edited grid as a new sweep instead.
   */
  extend(id: number, axes: AxisEdit[], asNew = false): { id: number; runIds: number[]; kept: number } {
    const sweep = this.readable(id);
    const config = editedConfig(sweep.config, axes, !asNew);
    const cells = cellsOf(config);
    if (asNew) return { ...this.start({ ...config, name: `${sweep.name} (edited)`.slice(0, 200) }, cells), kept: 0 };
    const paths = config.axes.map((a) => a.path);
    const runs = this.store.sweeps.runIds(id).map((r) => this.store.runs.get(r)!);
    const added = missingCells(cells, runs, paths);
    this.store.sweeps.setConfig(id, config);
    if (added.length === 0) return { id, runIds: [], kept: runs.length };
    const now = new Date().toISOString();
    const runIds = this.store.db.transaction(() =>
      added.map((c) => this.store.runs.insert({ name: c.config.name!, config: c.config, createdAt: now, owner: this.owner, sweepId: id })),
    )();
    const { mode, window } = config.policy;
    this.active.set(id, { mode, window });
    this.store.sweeps.setStatus(id, 'running', null);
    this.events.emit('runs.changed', { reason: `sweep ${id} extended` });
    for (const r of runIds) this.executor.submit(r, this.holdFor(mode, window, r));
    return { id, runIds, kept: runs.length };
  }

  /**
   * Picks up a sweep after its back end died: finished cells stay; interrupted ones continue from their checkpoint
   * or start again; queued ones are queued here. Returns what it did.
   */
  async resume(id: number): Promise<{ kept: number; continued: number; restarted: number; queued: number }> {
    const sweep = this.readable(id);
    this.active.set(id, { mode: sweep.config.policy.mode, window: sweep.config.policy.window });
    this.store.sweeps.setStatus(id, 'running', null);
    const out = { kept: 0, continued: 0, restarted: 0, queued: 0 };
    for (const runId of this.store.sweeps.runIds(id)) {
      const run = this.store.runs.get(runId)!;
      if (run.status === 'interrupted') {
        if (this.store.checkpoints.list(runId).length > 0) {
          await this.executor.continue(runId);
          out.continued++;
        } else {
          this.executor.restart(runId);
          out.restarted++;
        }
      } else if (run.status === 'queued') {
        this.executor.submit(runId, this.holdFor(sweep.config.policy.mode, sweep.config.policy.window, runId));
        out.queued++;
      } else out.kept++;
    }
    this.onStatus(null, id);
    return out;
  }

  /** Continues stopped cells (or the given runs) to their full budget: `confirm` after a `predict` sweep. */
  async continueCells(id: number, which: 'predicted-to-grok' | number[]): Promise<number[]> {
    const sweep = this.readable(id);
    const chosen: number[] = [];
    for (const runId of this.store.sweeps.runIds(id)) {
      const run = this.store.runs.get(runId)!;
      if (run.status !== 'cancelled' || run.step >= run.totalSteps) continue;
      if (
        Array.isArray(which)
          ? which.includes(runId)
          : (this.store.analyses.latest(runId, 'prediction')?.result as PredictionView | undefined)?.willGrok
      )
        chosen.push(runId);
    }
    this.active.set(id, { mode: 'full', window: sweep.config.policy.window });
    this.store.sweeps.setStatus(id, 'running', null);
    for (const r of chosen) await this.executor.continue(r);
    this.onStatus(null, id);
    return chosen;
  }

  /**
   * Ends a running sweep as cancelled: its runs not yet done are cancelled by the executor (each keeps its curves and
   * checkpoints, so it can still be resumed from its run page); finished runs stay as they are. Returns how many
   * runs it cancelled. Only a running sweep can be cancelled (a `conflict` otherwise).
   */
  async cancel(id: number): Promise<number> {
    const sweep = this.readable(id);
    if (sweep.status !== 'running') throw new ApiError('conflict', `sweep ${id} is ${sweep.status}; only a running sweep can be cancelled`);
    // first, so that its runs ending cancelled do not mark it completed (onStatus)
    this.active.delete(id);
    this.store.sweeps.setStatus(id, 'cancelled', new Date().toISOString());
    const open = this.store.sweeps.runIds(id).filter((r) => !DONE.includes(this.store.runs.get(r)!.status));
    // not the sweep-hold note (isHeldBySweep): these runs were not judged by the policy
    const note = `cancelled with sweep ${id}`;
    await Promise.all(open.map((r) => this.executor.stop(r, note).catch(() => undefined))); // one may end by itself meanwhile
    this.events.emit('runs.changed', { reason: `sweep ${id} cancelled` });
    return open.length;
  }

  /** predict mode stops every run after a window: each run holds at its first by itself (SweepExecutor.submit) */
  private holdFor(mode: SweepMode, window: SweepWindow, runId: number): number | undefined {
    const run = this.store.runs.get(runId);
    return mode === 'predict' && run ? windowsFor(window, run.totalSteps, this.shipped)[0] : undefined;
  }

  private sweepOf(runId: number): number | null {
    return this.store.runs.get(runId)?.sweepId ?? null;
  }

  private onProgress(p: Progress): void {
    // every run's progress passes here: no store read unless this back end is running a sweep
    if (this.active.size === 0) return;
    if (this.untilLevel.has(p.runId)) return this.stopAtLevel(p);
    if (this.decided.get(p.runId) === Infinity) return;
    // a window ends with a per-update loss, or past the updates whose loss is recorded (STEP_LOSS_UPDATES) with an
    // evaluation: a batch with neither decides nothing
    const reached = Math.max(...p.points.filter((x) => x.name === STEP_LOSS_METRIC || x.name === 'val_acc').map((x) => x.step), -1);
    if (reached < 0) return;
    const run = this.store.runs.get(p.runId);
    const sweepId = run?.sweepId ?? null;
    const policy = sweepId === null ? undefined : this.active.get(sweepId);
    if (!run || !policy || sweepId === null) return;
    const windows = windowsFor(policy.window, run.totalSteps, this.shipped);
    const last = this.decided.get(p.runId) ?? 0;
    // the latest window reached: a held run decides at the window it holds at, also when a new coordinator reads it
    const window = windows.filter((w) => w > last && w <= reached).at(-1);
    if (window === undefined) return;
    this.decided.set(p.runId, window);
    this.flush();
    const decision = decideAtWindow(this.store, p.runId, policy.mode, window, windows, this.shipped);
    if (decision.prediction) this.events.emit('run.prediction', decision.prediction);
    if (decision.action !== 'ask-again') this.decided.set(p.runId, Infinity);
    const wb = decision.prediction?.withinBudget;
    if (decision.action === 'go-on' && policy.mode === 'predict' && wb && !wb.confident)
      this.untilLevel.set(p.runId, { sweepId, level: wb.level });
    const ignore = () => undefined; // it may have finished on its own in the meantime
    if (decision.action === 'stop') void this.executor.stop(p.runId, sweepHoldReason(sweepId, window, decision.verdict)).catch(ignore);
    else if (decision.action === 'ask-again') void this.executor.continue(p.runId, decision.holdAt).catch(ignore);
    // release a hold (predict mode holds every cell at its window); a run not held goes on by itself
    else if (policy.mode === 'predict') void this.executor.continue(p.runId).catch(ignore);
  }

  /** Stops a run trained on without a confident answer once a batch shows it at the level. */
  private stopAtLevel(p: Progress): void {
    const watch = this.untilLevel.get(p.runId)!;
    const at = p.points.find((x) => x.name === 'val_acc' && (x.value ?? -Infinity) >= watch.level);
    if (!at) return;
    this.untilLevel.delete(p.runId);
    void this.executor.stop(p.runId, sweepLevelReason(watch.sweepId, at.step, watch.level)).catch(() => undefined);
  }

  /** Marks a sweep completed once every run of it is done. */
  private onStatus(runId: number | null, sweepIdGiven?: number): void {
    if (this.active.size === 0) return;
    const sweepId = sweepIdGiven ?? (runId === null ? null : this.sweepOf(runId));
    if (sweepId === null || !this.active.has(sweepId)) return;
    const statuses = this.store.sweeps.runStatuses(sweepId);
    if (statuses.every((s) => DONE.includes(s))) {
      this.active.delete(sweepId);
      this.store.sweeps.setStatus(sweepId, 'completed', new Date().toISOString());
      this.events.emit('runs.changed', { reason: `sweep ${sweepId} completed` });
    }
  }

  list(): SweepSummary[] {
    return this.store.sweeps.list().map((s) => {
      const statuses = this.store.sweeps.runStatuses(s.id);
      return {
        id: s.id,
        name: s.name,
        status: s.status,
        mode: s.config.policy.mode,
        runs: statuses.length,
        done: statuses.filter((x) => DONE.includes(x)).length,
        running: statuses.filter((x) => x === 'running').length,
        axes: s.config.axes.map((a) => a.path),
        createdAt: s.createdAt,
        finishedAt: s.finishedAt,
        damaged: s.damaged,
      };
    });
  }

  /** The unfinished sweep stored with exactly this config run in this mode, if any (the same file run again). */
  unfinishedLike(config: SweepConfig, mode: SweepMode): number | null {
    const wanted = JSON.stringify({ ...config, policy: { ...config.policy, mode } });
    return this.store.sweeps.list().find((s) => s.status !== 'completed' && JSON.stringify(s.config) === wanted)?.id ?? null;
  }

  /** A sweep that exists and whose stored config can be read, else the problem for the caller. */
  private readable(id: number): SweepRow {
    const sweep = this.store.sweeps.get(id);
    if (!sweep) throw new ApiError('not_found', `no sweep with id ${id} in ${this.store.path}`);
    if (sweep.damaged)
      throw new ApiError(
        'invalid_input',
        `sweep ${id} in ${this.store.path} is damaged (${sweep.damaged}); its runs are listed with the runs`,
      );
    return sweep;
  }

  /** The sweep as a grid: every cell with its runs and their outcomes (mean and spread over seeds). */
  view(id: number): SweepView {
    const sweep = this.readable(id);
    const expanded = expandSweep(sweep.config);
    const cells = expanded.ok ? expanded.cells : [];
    // by their settings, not their order: an extended sweep's new runs come last (sweep-extend.ts)
    const placed = placeRuns(
      cells,
      this.store.sweeps.runIds(id).map((r) => this.store.runs.get(r)!),
      sweep.config.axes.map((a) => a.path),
    );
    const byKey = new Map<string, SweepCellView>();
    cells.forEach((c, i) => {
      const key = c.index.join(',');
      const run = placed[i];
      const cell = byKey.get(key) ?? { index: c.index, coords: c.coords, runs: [] };
      if (run) {
        const p = this.store.analyses.latest(run.id, 'prediction')?.result as PredictionView | undefined;
        cell.runs.push({
          id: run.id,
          seed: c.seed,
          status: run.status,
          step: run.step,
          totalSteps: run.totalSteps,
          valAcc: run.final?.valAcc ?? null,
          t2: run.phases?.t2 ?? null,
          t4: run.phases?.t4 ?? null,
          predicted: p ? p.probability : null,
          energy: p ? p.features['log10 relative spectral energy'] : null,
          held: isHeldBySweep(run.status, run.error),
          worker: run.worker,
        });
      }
      byKey.set(key, cell);
    });
    return {
      id,
      name: sweep.name,
      status: sweep.status,
      mode: sweep.config.policy.mode,
      window: sweep.config.policy.window,
      axes: sweep.config.axes.map((a) => ({ path: a.path, values: axisValues(a) })),
      steps: cells.reduce((most, c) => Math.max(most, c.config.training.steps), 0),
      cells: [...byKey.values()],
      createdAt: sweep.createdAt,
      finishedAt: sweep.finishedAt,
    };
  }
}
