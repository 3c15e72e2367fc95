// Keeps up to `maxConcurrent` compute processes busy with this back end's queued runs (their messages are read by
// run-messages.ts). One process trains one run; a paused run keeps its process (its weights live there) but gives its
// slot to the next queued run. Statuses: queued → running ⇄ paused → completed | cancelled | diverged | failed
// (process error or unexpected exit) | interrupted (the back end closed, or Ctrl-C); what each allows is
// shared/api/run-status. Another process on the same database cancels one of our runs by setting
// runs.cancel_requested_at, which a cheap poll of the active runs notices (never the training step's path; see
// run-ownership.ts).
import { availableParallelism } from 'node:os';
import { ApiError } from '../../shared/api/contract';
import { RESUMABLE_STATUSES, isTerminal } from '../../shared/api/run-status';
import type { RunStatus } from '../../shared/api/types';
import { sharedExecutionSettings } from '../host/execution-settings';
import type { ComputeChannel, ComputeExit } from '../host/types';
import type { ExecutionSettings } from '../protocol/execution';
import type { ComputeToHost } from '../protocol/messages';
import type { TrainingState } from '../protocol/training-state';
import type { RunOwner, RunRow } from '../store/runs-repo';
import { lowerPriority, newActiveRun, type ActiveRun } from './active-run';
import { askToStop, clearGraceKill, killAfterGrace } from './compute-jobs';
import { exitOutcome, onComputeMessage, type RunMessageHost } from './run-messages';
import { CANCEL_POLL_MS, cancelElsewhere, cancelRequests, describeOwner, foreignOwner, storeOrphaned } from './run-ownership';
import { RunQueue } from './run-queue';
import type { SchedulerOptions } from './scheduler-options';
import { StatusWaiters } from './status-waiters';
import { cancelStopped, checkpointToResume } from './stopped-runs';

export type { SchedulerOptions };

export class RunScheduler {
  private readonly queue = new RunQueue();
  private readonly active = new Map<number, ActiveRun>();
  private readonly waiters = new StatusWaiters();
  private closed = false;
  private readonly graceMs: number;
  private readonly ackTimeoutMs: number;
  private readonly now: () => string;
  private readonly ownerAlive: (o: RunOwner) => boolean;
  private readonly cancelPoll: NodeJS.Timeout;
  /** the scheduler's side of reading its processes' messages (run-messages.ts) */
  private readonly messageHost: RunMessageHost;

  constructor(private readonly o: SchedulerOptions) {
    this.ownerAlive = o.ownerAlive ?? (() => true);
    this.cancelPoll = setInterval(() => this.honourCancelRequests(), CANCEL_POLL_MS);
    this.cancelPoll.unref();
    this.graceMs = o.graceMs ?? 10_000;
    this.ackTimeoutMs = o.ackTimeoutMs ?? 30_000;
    this.now = o.now ?? (() => new Date().toISOString());
    this.messageHost = {
      store: o.store,
      writer: o.writer,
      events: o.events,
      now: () => this.now(),
      emitStatus: (id) => this.emitStatus(id),
      finish: (id, status, error, step) => this.finish(id, status, error, step),
      fail: (run, error, step) => this.fail(run, error, step),
      killLater: (run) => this.killLater(run),
      pump: () => this.pump(),
    };
    // A run whose metrics cannot be stored (disk full, database read-only) fails now, with the reason, rather than
    // training on while its points pile up in memory.
    o.writer.onRunStoreFailure((runId, e) => {
      const run = this.active.get(runId);
      if (run) this.storageFailed(run, e);
    });
  }

  /** Cancels the runs of ours that another process asked to cancel (runs.cancel_requested_at). */
  private honourCancelRequests(): void {
    if (this.active.size === 0 && this.queue.length === 0) return;
    for (const id of cancelRequests(this.o.store, [...this.active.keys(), ...this.queue.ids()])) {
      const run = this.active.get(id);
      const row = run && (run.finished || run.stopping !== null) ? undefined : this.o.store.runs.get(id);
      if (row) this.cancel(row).catch((e: unknown) => console.error(`run ${id}: cannot cancel it as asked:`, e));
    }
  }

  /** The run's data cannot be stored: mark it failed (best effort) and stop its process. */
  private storageFailed(run: ActiveRun, e: unknown): void {
    try {
      this.fail(run, `storing the run's data failed: ${(e as Error).message}`);
    } catch (e2) {
      console.error(`run ${run.runId}: cannot record the failure:`, e2);
    }
    run.channel.kill();
  }

  /** Number of runs holding a slot (starting or running; paused runs do not). */
  busy(): number {
    return [...this.active.values()].filter((r) => r.state !== 'paused' && !r.finished).length;
  }

  isActive(runId: number): boolean {
    return this.active.has(runId) || this.queue.has(runId);
  }

  pid(runId: number): number | undefined {
    return this.active.get(runId)?.channel.pid;
  }

  /** Queues a run; with `holdAt`, its process pauses itself after that many updates (see trainLoop's holdAt). */
  enqueue(runId: number, holdAt?: number): void {
    if (this.closed) throw new ApiError('conflict', 'the back end is closing');
    this.queue.push(runId, holdAt);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.queue.length > 0 && this.busy() < this.o.maxConcurrent) {
      const id = this.queue.shift()!;
      const row = this.o.store.runs.get(id);
      if (!row || row.status !== 'queued' || row.deletedAt !== null) continue;
      this.launch(row);
    }
  }

  /** How the next run's process may use the machine: its share of the cores among the runs about to train at once. */
  private execution(): ExecutionSettings {
    const together = Math.min(this.o.maxConcurrent, this.busy() + 1 + this.queue.length);
    return sharedExecutionSettings(this.o.cores ?? availableParallelism(), together);
  }

  private launch(row: RunRow): void {
    const { store, writer } = this.o;
    const id = row.id;
    let resume: TrainingState | undefined;
    const { from, holdAt } = this.queue.startOf(id);
    if (from !== undefined) {
      resume = store.checkpoints.load(id, from);
      if (!resume) return this.finish(id, 'failed', `the checkpoint at step ${from} to resume from is gone`);
      // Points after the checkpoint are trained again; drop them so the series stays one consistent run.
      store.metrics.deleteAfter(id, from);
      writer.recompute(id);
    }
    writer.begin(id);
    let channel: ComputeChannel;
    let execution: ExecutionSettings;
    try {
      execution = this.execution();
    } catch (e) {
      return this.finish(id, 'failed', (e as Error).message);
    }
    try {
      channel = this.o.launcher.launch();
    } catch (e) {
      return this.finish(id, 'failed', `could not start a compute process: ${(e as Error).message}`);
    }
    lowerPriority(channel);
    const run = newActiveRun(id, row.totalSteps, channel);
    this.active.set(id, run);
    channel.onMessage((msg) => {
      try {
        this.onMessage(run, msg);
      } catch (e) {
        // A storage failure must not leave the run looking alive: stop it and say why.
        this.storageFailed(run, e);
      }
    });
    channel.onExit((exit) => this.onExit(run, exit));
    const held = holdAt !== undefined && (resume?.step ?? 0) < holdAt ? holdAt : undefined;
    if (held !== undefined) this.active.get(id)!.holdAt = held;
    channel.send({
      type: 'start',
      runId: id,
      config: row.config,
      execution,
      ...(resume ? { resume } : {}),
      ...(held !== undefined ? { holdAt: held } : {}),
    });
  }

  private onMessage(run: ActiveRun, msg: ComputeToHost): void {
    onComputeMessage(this.messageHost, run, msg);
  }

  private fail(run: ActiveRun, error: string, step?: number): void {
    if (run.finished) return;
    run.finished = true;
    this.finish(run.runId, 'failed', error, step);
    this.killLater(run);
    this.pump();
  }

  /** A process that said it is done should exit by itself; kill it if it lingers. */
  private killLater(run: ActiveRun): void {
    killAfterGrace(run, this.graceMs);
  }

  private onExit(run: ActiveRun, exit: ComputeExit): void {
    const id = run.runId;
    clearGraceKill(run);
    this.active.delete(id);
    if (!run.finished) {
      run.finished = true;
      const step = this.o.writer.step(id) ?? this.o.store.runs.get(id)?.step ?? 0;
      const { status, error } = exitOutcome(run, exit, step);
      this.finish(id, status, error);
    }
    run.markExited();
    this.pump();
  }

  /** Stores a final status (after flushing the run's metrics) and announces it. */
  private finish(id: number, status: RunStatus, error: string | null, step?: number): void {
    const { writer, store } = this.o;
    const s = step ?? writer.step(id) ?? undefined;
    const problem = writer.end(id);
    const message = problem ? (error ? `${error}; ${problem}` : problem) : error;
    store.runs.setStatus(id, status, { error: message, finishedAt: this.now(), ...(s !== undefined ? { step: s } : {}) });
    this.emitStatus(id);
  }

  emitStatus(id: number): void {
    const row = this.o.store.runs.get(id);
    if (!row) return;
    const { status, error, phases, backend, backendNotes, step } = row;
    this.o.events.emit('run.status', { runId: id, status, error, phases, backend, backendNotes, step });
    this.waiters.notify(id, row.status);
  }

  /** Resolves with the run's status once `pred` holds, or null after the timeout. */
  waitFor(id: number, pred: (s: RunStatus) => boolean, timeoutMs = this.ackTimeoutMs): Promise<RunStatus | null> {
    return this.waiters.wait(id, this.o.store.runs.get(id)?.status, pred, timeoutMs);
  }

  /** A run that is active in the database but not in this process: its live owner's, or an orphan (owner gone). */
  private foreign(row: RunRow): { owner: RunOwner } | 'orphan' | null {
    return foreignOwner(row, this.active.has(row.id) || this.queue.has(row.id), this.ownerAlive);
  }

  /** An orphan run can never finish: store it interrupted (as opening the database would) and return the new row. */
  private orphaned(row: RunRow): RunRow {
    storeOrphaned(this.o.store, row, this.now());
    this.emitStatus(row.id);
    return this.o.store.runs.get(row.id)!;
  }

  async pause(row: RunRow): Promise<void> {
    const run = this.active.get(row.id);
    if (!run || run.finished) {
      if (this.queue.has(row.id)) throw new ApiError('conflict', `run ${row.id} is queued and has not started; cancel it instead`);
      const other = this.foreign(row);
      if (other && other !== 'orphan')
        throw new ApiError(
          'conflict',
          `run ${row.id} is trained by another Grokscope process (${describeOwner(other.owner)}); pause it there`,
        );
      if (other === 'orphan')
        throw new ApiError('conflict', `run ${row.id} is ${row.status} but its Grokscope process is gone; resume or cancel it`);
      throw new ApiError('conflict', `run ${row.id} is ${row.status}; only a running run can be paused`);
    }
    if (run.state === 'paused') return;
    run.channel.send({ type: 'pause' });
    await this.waitFor(row.id, (s) => s === 'paused' || isTerminal(s));
  }

  /** `holdAt`: pause by itself again after that update (a predict sweep's next window), when it is still ahead. */
  async resume(row: RunRow, holdAt?: number): Promise<void> {
    const run = this.active.get(row.id);
    const next = holdAt !== undefined && holdAt > row.step ? holdAt : undefined;
    if (run && !run.finished) {
      if (run.state !== 'paused') {
        // a run on its way to its hold: let it go on as soon as it gets there
        if (run.holdAt !== undefined) run.releaseHold = next === undefined ? true : { holdAt: next };
        return;
      }
      run.holdAt = next;
      run.channel.send(next === undefined ? { type: 'resume' } : { type: 'resume', holdAt: next });
      await this.waitFor(row.id, (s) => s === 'running' || isTerminal(s));
      return;
    }
    if (this.queue.has(row.id)) return;
    const other = this.foreign(row);
    if (other && other !== 'orphan')
      throw new ApiError(
        'conflict',
        `run ${row.id} is ${row.status} in another Grokscope process (${describeOwner(other.owner)}); resume it there`,
      );
    if (other === 'orphan') row = this.orphaned(row);
    if (RESUMABLE_STATUSES.includes(row.status)) {
      const step = checkpointToResume(this.o.store, row);
      this.queue.continueFrom(row.id, step);
      this.o.store.runs.setStatus(row.id, 'queued', { error: null, finishedAt: null, owner: this.o.owner, step });
      this.emitStatus(row.id);
      this.enqueue(row.id, next);
      return;
    }
    throw new ApiError('conflict', `run ${row.id} is ${row.status}; only a paused, interrupted, failed or cancelled run can be resumed`);
  }

  /**
   * Stops a run early on purpose (a sweep's policy after the prediction window): a cancel that keeps a checkpoint,
   * stored as cancelled with `note`, so the run can later be continued to its budget.
   */
  async stop(row: RunRow, note: string): Promise<void> {
    const run = this.active.get(row.id);
    if (run && !run.finished) run.stopNote = note;
    await this.cancel(row);
  }

  /** Puts an interrupted run that has no checkpoint back in the queue, from step 0. */
  restart(row: RunRow): void {
    if (row.status !== 'interrupted' && row.status !== 'failed')
      throw new ApiError('conflict', `run ${row.id} is ${row.status}; only an interrupted or failed run can be restarted`);
    this.o.store.metrics.deleteAfter(row.id, -1);
    this.o.writer.recompute(row.id);
    this.o.store.runs.setStatus(row.id, 'queued', { error: null, finishedAt: null, owner: this.o.owner, step: 0 });
    this.emitStatus(row.id);
    this.enqueue(row.id);
  }

  /**
   * Ends a run as cancelled: ours through its process; another live process's through the database (it polls for
   * the request), waiting until that process has stopped it; an interrupted or failed run, or an orphan, at once.
   * A cancelled run keeps its checkpoints, so it can still be resumed.
   */
  async cancel(row: RunRow): Promise<void> {
    if (this.queue.remove(row.id)) {
      this.finish(row.id, 'cancelled', null);
      return;
    }
    const run = this.active.get(row.id);
    if (!run || run.finished) {
      const other = this.foreign(row);
      if (other && other !== 'orphan') return this.cancelElsewhere(row, other.owner);
      if (other === 'orphan') row = this.orphaned(row);
      cancelStopped(this.o.store, row, this.now());
      this.emitStatus(row.id);
      return;
    }
    run.stopping = 'cancel';
    askToStop(run, this.graceMs);
    await this.waitFor(row.id, isTerminal, this.graceMs + 5_000);
  }

  private cancelElsewhere(row: RunRow, owner: RunOwner): Promise<void> {
    return cancelElsewhere(
      {
        store: this.o.store,
        now: this.now,
        ownerAlive: this.ownerAlive,
        emitStatus: (id) => this.emitStatus(id),
        orphaned: (r) => this.orphaned(r),
        cancel: (r) => this.cancel(r),
      },
      row,
      owner,
    );
  }

  /**
   * Stops one of our runs so that it can be resumed without losing a step (Ctrl-C in the CLI): the compute process
   * writes a checkpoint at its current step, as for a cancel, and the run is stored interrupted. `why` goes into
   * the stored message, e.g. "by SIGINT".
   */
  async interrupt(runId: number, why: string): Promise<void> {
    if (this.queue.remove(runId)) {
      this.finish(runId, 'interrupted', `interrupted ${why} before the run started`);
      return;
    }
    const run = this.active.get(runId);
    if (!run || run.finished || run.stopping !== null) return;
    run.stopping = 'interrupt';
    run.interruptNote = why;
    askToStop(run, this.graceMs);
    await this.waitFor(runId, isTerminal, this.graceMs + 5_000);
  }

  /** Stops every process (their runs become 'interrupted') and waits for them to exit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.cancelPoll);
    for (const id of this.queue.drain()) this.finish(id, 'interrupted', 'interrupted: Grokscope closed before the run started');
    const runs = [...this.active.values()];
    for (const run of runs) {
      if (!run.finished) run.stopping = 'close';
      run.channel.kill();
    }
    const timeout = new Promise<void>((r) => setTimeout(r, 5_000).unref());
    await Promise.race([Promise.all(runs.map((r) => r.exited)), timeout]);
    // A process that never reported its exit: record the outcome anyway.
    for (const run of runs)
      if (this.active.has(run.runId)) this.onExit(run, { code: null, signal: null, reason: 'compute process did not exit' });
    this.waiters.releaseAll();
  }
}
