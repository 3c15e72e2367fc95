// Keeps up to `maxConcurrent` compute processes busy with this back end's queued runs, and turns each process's
// messages into stored state and events. One process trains one run; a paused run keeps its process (its weights live
// there) but gives its slot to the next queued run. Statuses: queued → running ⇄ paused → completed | cancelled |
// diverged | failed (process error or unexpected exit) | interrupted (the back end closed, or Ctrl-C).
// Another process on the same database cancels one of our runs by setting runs.cancel_requested_at, which a cheap
// poll of the active runs notices (never the training step's path).
import { availableParallelism, setPriority } from 'node:os';
import { ApiError } from '../../shared/api/contract';
import { CANCELLABLE_STOPPED_STATUSES, RESUMABLE_STATUSES, isTerminal } from '../../shared/api/run-status';
import type { RunStatus } from '../../shared/api/types';
import type { ComputeToHost } from '../protocol/messages';
import type { TrainingState } from '../protocol/training-state';
import { executionSettings } from '../host/execution-settings';
import type { ComputeChannel, ComputeExit, ComputeLauncher } from '../host/types';
import type { ExecutionSettings } from '../protocol/execution';
import type { Store } from '../store';
import type { RunOwner, RunRow } from '../store/runs-repo';
import type { EventBus } from './backend-api';
import type { RunWriter } from './run-writer';

/** How often the runs this process trains are checked for another process's cancel request. */
const CANCEL_POLL_MS = 500;
/** How long cancelling a run trained by another process waits for that process to stop it. */
export const CROSS_PROCESS_CANCEL_MS = 15_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const describeOwner = (o: RunOwner) => `pid ${o.pid} on ${o.host}`;

/** Niceness of training processes (0 is normal, 19 the lowest priority). */
export const COMPUTE_NICENESS = 10;

interface ActiveRun {
  runId: number;
  totalSteps: number;
  channel: ComputeChannel;
  /** what the compute process last confirmed */
  state: 'starting' | 'running' | 'paused';
  /** 'done' or 'error' arrived: the run's outcome is stored, the process is only winding down */
  finished: boolean;
  /** why we are stopping it, so an exit without 'done' is not reported as a crash */
  stopping: null | 'cancel' | 'close' | 'interrupt';
  /** why it is being interrupted (e.g. "by SIGINT"), stored with the interrupted status */
  interruptNote?: string;
  /** set when a sweep's policy stops the run early: stored with the cancelled status */
  stopNote?: string;
  /** the update the process pauses itself after (a predict sweep's window), until it has */
  holdAt?: number;
  /** resume asked for before the hold was reached: resume as soon as the process reports it */
  releaseHold?: boolean;
  killTimer: NodeJS.Timeout | null;
  exited: Promise<void>;
  markExited: () => void;
}

export interface SchedulerOptions {
  store: Store;
  writer: RunWriter;
  events: EventBus;
  launcher: ComputeLauncher;
  owner: RunOwner;
  /** whether another run's owner process is alive (default: always), so its runs are left to it */
  ownerAlive?: (o: RunOwner) => boolean;
  maxConcurrent: number;
  /** the machine's cores, shared among the runs it trains at once (default: os.availableParallelism()) */
  cores?: number;
  /** how long a cancelled or finished process may take to exit before it is killed (ms) */
  graceMs?: number;
  /** how long pause/resume/cancel wait for the compute process to confirm (ms) */
  ackTimeoutMs?: number;
  now?: () => string;
}

type Waiter = { pred: (s: RunStatus) => boolean; resolve: (s: RunStatus | null) => void };

export class RunScheduler {
  private readonly queue: number[] = [];
  private readonly active = new Map<number, ActiveRun>();
  /** runs queued to continue from a stored checkpoint: run id → checkpoint step */
  private readonly resumeFrom = new Map<number, number>();
  /** runs to start with a hold: run id → the update their process pauses itself after */
  private readonly holds = new Map<number, number>();
  private readonly waiters = new Map<number, Set<Waiter>>();
  private closed = false;
  private readonly graceMs: number;
  private readonly ackTimeoutMs: number;
  private readonly now: () => string;
  private readonly ownerAlive: (o: RunOwner) => boolean;
  private readonly cancelPoll: NodeJS.Timeout;

  constructor(private readonly o: SchedulerOptions) {
    this.ownerAlive = o.ownerAlive ?? (() => true);
    this.cancelPoll = setInterval(() => this.honourCancelRequests(), CANCEL_POLL_MS);
    this.cancelPoll.unref();
    this.graceMs = o.graceMs ?? 10_000;
    this.ackTimeoutMs = o.ackTimeoutMs ?? 30_000;
    this.now = o.now ?? (() => new Date().toISOString());
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
    let ids: number[];
    try {
      ids = this.o.store.runs.cancelRequested([...this.active.keys(), ...this.queue]);
    } catch {
      return; // the database is busy or closing: the next poll asks again
    }
    for (const id of ids) {
      const run = this.active.get(id);
      if (run && (run.finished || run.stopping !== null)) continue;
      const row = this.o.store.runs.get(id);
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
    let n = 0;
    for (const r of this.active.values()) if (r.state !== 'paused' && !r.finished) n++;
    return n;
  }

  isActive(runId: number): boolean {
    return this.active.has(runId) || this.queue.includes(runId);
  }

  pid(runId: number): number | undefined {
    return this.active.get(runId)?.channel.pid;
  }

  /** Queues a run; with `holdAt`, its process pauses itself after that many updates (see trainLoop's holdAt). */
  enqueue(runId: number, holdAt?: number): void {
    if (this.closed) throw new ApiError('conflict', 'the back end is closing');
    if (holdAt !== undefined) this.holds.set(runId, holdAt);
    if (!this.queue.includes(runId)) this.queue.push(runId);
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

  /**
   * How this run's process may use the machine. Its gradient workers (compute/parallel), unless GROKSCOPE_WORKERS
   * says how many, get the machine's cores divided among the runs about to train at once, so a lone run uses every
   * core (as PyTorch does) and a sweep's parallel cells do not oversubscribe them.
   */
  private execution(): ExecutionSettings {
    const cores = this.o.cores ?? availableParallelism();
    const together = Math.min(this.o.maxConcurrent, this.busy() + 1 + this.queue.length);
    return executionSettings(Math.max(1, Math.floor(cores / together)));
  }

  private launch(row: RunRow): void {
    const { store, writer } = this.o;
    const id = row.id;
    let resume: TrainingState | undefined;
    const from = this.resumeFrom.get(id);
    this.resumeFrom.delete(id);
    const holdAt = this.holds.get(id);
    this.holds.delete(id);
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
    // Training yields the CPU to the process that answers the UI and stores the data: with more compute processes
    // than cores, an API call otherwise waits for a time slice behind them (see scripts/load-test.ts).
    if (channel.pid !== undefined) {
      try {
        setPriority(channel.pid, COMPUTE_NICENESS);
      } catch {
        // not permitted (or the process is already gone): it trains at normal priority
      }
    }
    let markExited!: () => void;
    const exited = new Promise<void>((r) => (markExited = r));
    const run: ActiveRun = { runId: id, totalSteps: row.totalSteps, channel, state: 'starting', finished: false, stopping: null, killTimer: null, exited, markExited };
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
    channel.send({ type: 'start', runId: id, config: row.config, execution, ...(resume ? { resume } : {}), ...(held !== undefined ? { holdAt: held } : {}) });
  }

  private onMessage(run: ActiveRun, msg: ComputeToHost): void {
    const { store, writer, events } = this.o;
    const id = run.runId;
    if (msg.runId !== id || run.finished) return;
    switch (msg.type) {
      case 'started': {
        run.state = 'running';
        const row = store.runs.get(id);
        writer.flush();
        store.runs.setStatus(id, 'running', {
          startedAt: row?.startedAt ?? this.now(),
          backend: msg.backend,
          backendNotes: msg.backendNotes,
          step: msg.step,
        });
        this.emitStatus(id);
        return;
      }
      case 'metrics': {
        writer.add(id, msg.step, msg.rows);
        events.emit('run.progress', {
          runId: id,
          step: msg.step,
          totalSteps: run.totalSteps,
          points: msg.rows.map(([name, step, value]) => ({ name, step, value })),
        });
        return;
      }
      case 'checkpoint':
        writer.flush();
        store.checkpoints.save(id, msg.state, this.now());
        return;
      case 'paused':
        run.state = 'paused';
        writer.flush();
        store.runs.setStatus(id, 'paused', { step: msg.step });
        this.emitStatus(id);
        if (run.holdAt !== undefined && msg.step === run.holdAt) {
          run.holdAt = undefined;
          if (run.releaseHold) {
            run.releaseHold = false;
            run.channel.send({ type: 'resume' });
            return;
          }
        }
        this.pump();
        return;
      case 'resumed':
        run.state = 'running';
        writer.flush();
        store.runs.setStatus(id, 'running', { step: msg.step });
        this.emitStatus(id);
        return;
      case 'done': {
        run.finished = true;
        const interrupted = msg.reason === 'cancelled' && run.stopping === 'interrupt';
        const status: RunStatus = interrupted ? 'interrupted' : msg.reason;
        const error = interrupted
          ? `interrupted ${run.interruptNote ?? 'on request'} at step ${msg.step}`
          : msg.reason === 'diverged'
            ? (msg.message ?? `diverged at step ${msg.step}`)
            : msg.reason === 'cancelled' && run.stopNote
              ? run.stopNote
              : (msg.message ?? null);
        this.finish(id, status, msg.reason === 'completed' ? null : error, msg.step);
        this.killLater(run);
        this.pump();
        return;
      }
      case 'error':
        this.fail(run, msg.step !== undefined ? `${msg.message} (at step ${msg.step})` : msg.message, msg.step);
        return;
    }
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
    if (run.killTimer) return;
    run.killTimer = setTimeout(() => run.channel.kill(), this.graceMs);
  }

  private onExit(run: ActiveRun, exit: ComputeExit): void {
    const id = run.runId;
    if (run.killTimer) clearTimeout(run.killTimer);
    this.active.delete(id);
    if (!run.finished) {
      run.finished = true;
      const step = this.o.writer.step(id) ?? this.o.store.runs.get(id)?.step ?? 0;
      const where = run.state === 'starting' && step === 0 ? 'before training started' : `at step ${step}`;
      if (run.stopping === 'close') this.finish(id, 'interrupted', `interrupted: Grokscope closed while the run was ${run.state} at step ${step}`);
      else if (run.stopping === 'cancel') this.finish(id, 'cancelled', run.stopNote ?? null);
      else if (run.stopping === 'interrupt') this.finish(id, 'interrupted', `interrupted ${run.interruptNote ?? 'on request'} at step ${step}`);
      else this.finish(id, 'failed', `${exit.reason} ${where}`);
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
    this.o.events.emit('run.status', { runId: id, status: row.status, error: row.error, phases: row.phases });
    for (const w of [...(this.waiters.get(id) ?? [])]) {
      if (w.pred(row.status)) {
        this.waiters.get(id)?.delete(w);
        w.resolve(row.status);
      }
    }
  }

  /** Resolves with the run's status once `pred` holds, or null after the timeout. */
  waitFor(id: number, pred: (s: RunStatus) => boolean, timeoutMs = this.ackTimeoutMs): Promise<RunStatus | null> {
    const now = this.o.store.runs.get(id)?.status;
    if (now && pred(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const timer = setTimeout(() => {
        set.delete(w);
        resolve(null);
      }, timeoutMs);
      const w: Waiter = {
        pred,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      set.add(w);
    });
  }

  /** A run that is active in the database but not in this process: its live owner's, or an orphan (owner gone). */
  private foreign(row: RunRow): { owner: RunOwner } | 'orphan' | null {
    if (isTerminal(row.status) || this.active.has(row.id) || this.queue.includes(row.id)) return null;
    return row.owner && this.ownerAlive(row.owner) ? { owner: row.owner } : 'orphan';
  }

  /** An orphan run can never finish: store it interrupted (as opening the database would) and return the new row. */
  private orphaned(row: RunRow): RunRow {
    const where = row.status === 'queued' ? '' : ` at step ${row.step}`;
    const gone = row.owner ? `its Grokscope process (${describeOwner(row.owner)}) is gone` : 'its Grokscope process is gone';
    this.o.store.runs.setStatus(row.id, 'interrupted', { error: `interrupted: ${gone}; the run was ${row.status}${where}`, finishedAt: this.now() });
    this.emitStatus(row.id);
    return this.o.store.runs.get(row.id)!;
  }

  async pause(row: RunRow): Promise<void> {
    const run = this.active.get(row.id);
    if (!run || run.finished) {
      if (this.queue.includes(row.id)) throw new ApiError('conflict', `run ${row.id} is queued and has not started; cancel it instead`);
      const other = this.foreign(row);
      if (other && other !== 'orphan')
        throw new ApiError('conflict', `run ${row.id} is trained by another Grokscope process (${describeOwner(other.owner)}); pause it there`);
      if (other === 'orphan')
        throw new ApiError('conflict', `run ${row.id} is ${row.status} but its Grokscope process is gone; resume or cancel it`);
      throw new ApiError('conflict', `run ${row.id} is ${row.status}; only a running run can be paused`);
    }
    if (run.state === 'paused') return;
    run.channel.send({ type: 'pause' });
    await this.waitFor(row.id, (s) => s === 'paused' || isTerminal(s));
  }

  async resume(row: RunRow): Promise<void> {
    const run = this.active.get(row.id);
    if (run && !run.finished) {
      if (run.state !== 'paused') {
        // a run on its way to its hold: let it go on as soon as it gets there
        if (run.holdAt !== undefined) run.releaseHold = true;
        return;
      }
      run.channel.send({ type: 'resume' });
      await this.waitFor(row.id, (s) => s === 'running' || isTerminal(s));
      return;
    }
    if (this.queue.includes(row.id)) return;
    const other = this.foreign(row);
    if (other && other !== 'orphan')
      throw new ApiError('conflict', `run ${row.id} is ${row.status} in another Grokscope process (${describeOwner(other.owner)}); resume it there`);
    if (other === 'orphan') row = this.orphaned(row);
    if (RESUMABLE_STATUSES.includes(row.status)) {
      const last = this.o.store.checkpoints.list(row.id).at(-1);
      if (!last)
        throw new ApiError(
          'conflict',
          `run ${row.id} has no checkpoint to continue from; set training.checkpointEvery > 0 to make runs resumable`,
        );
      if (last.step >= row.totalSteps) throw new ApiError('conflict', `run ${row.id} already reached its last step`);
      this.resumeFrom.set(row.id, last.step);
      this.o.store.runs.setStatus(row.id, 'queued', { error: null, finishedAt: null, owner: this.o.owner, step: last.step });
      this.emitStatus(row.id);
      this.enqueue(row.id);
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
    if (row.status !== 'interrupted' && row.status !== 'failed') throw new ApiError('conflict', `run ${row.id} is ${row.status}; only an interrupted or failed run can be restarted`);
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
    const qi = this.queue.indexOf(row.id);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.resumeFrom.delete(row.id);
      this.holds.delete(row.id);
      this.finish(row.id, 'cancelled', null);
      return;
    }
    const run = this.active.get(row.id);
    if (!run || run.finished) {
      const other = this.foreign(row);
      if (other && other !== 'orphan') return this.cancelElsewhere(row, other.owner);
      if (other === 'orphan') row = this.orphaned(row);
      // a failed run that never reached a checkpoint cannot be continued, so there is nothing to call off
      if (row.status === 'failed' && this.o.store.checkpoints.list(row.id).length === 0)
        throw new ApiError('conflict', `run ${row.id} is already failed, with no checkpoint to resume from; there is nothing to cancel`);
      if (CANCELLABLE_STOPPED_STATUSES.includes(row.status)) {
        this.o.store.runs.setStatus(row.id, 'cancelled', { error: `cancelled; it was ${row.status}${row.error ? ` (${row.error})` : ''}`, finishedAt: this.now() });
        this.emitStatus(row.id);
        return;
      }
      throw new ApiError('conflict', `run ${row.id} is already ${row.status}`);
    }
    run.stopping = 'cancel';
    run.channel.send({ type: 'cancel' });
    run.killTimer ??= setTimeout(() => run.channel.kill(), this.graceMs);
    await this.waitFor(row.id, isTerminal, this.graceMs + 5_000);
  }

  private async cancelElsewhere(row: RunRow, owner: RunOwner): Promise<void> {
    const { store } = this.o;
    store.runs.requestCancel(row.id, this.now());
    const deadline = Date.now() + CROSS_PROCESS_CANCEL_MS;
    for (;;) {
      const now = store.runs.get(row.id);
      if (!now || isTerminal(now.status)) {
        this.emitStatus(row.id);
        return;
      }
      // it died meanwhile: nobody will honour the request
      if (!now.owner || !this.ownerAlive(now.owner)) {
        this.orphaned(now);
        return this.cancel(store.runs.get(row.id)!);
      }
      if (Date.now() >= deadline) break;
      await sleep(100);
    }
    throw new ApiError(
      'internal',
      `asked the Grokscope process that trains run ${row.id} (${describeOwner(owner)}) to cancel it, but it has not within ` +
        `${CROSS_PROCESS_CANCEL_MS / 1000} s; the request stands`,
    );
  }

  /**
   * Stops one of our runs so that it can be resumed without losing a step (Ctrl-C in the CLI): the compute process
   * writes a checkpoint at its current step, as for a cancel, and the run is stored interrupted. `why` goes into
   * the stored message, e.g. "by SIGINT".
   */
  async interrupt(runId: number, why: string): Promise<void> {
    const qi = this.queue.indexOf(runId);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.resumeFrom.delete(runId);
      this.holds.delete(runId);
      this.finish(runId, 'interrupted', `interrupted ${why} before the run started`);
      return;
    }
    const run = this.active.get(runId);
    if (!run || run.finished || run.stopping !== null) return;
    run.stopping = 'interrupt';
    run.interruptNote = why;
    run.channel.send({ type: 'cancel' });
    run.killTimer ??= setTimeout(() => run.channel.kill(), this.graceMs);
    await this.waitFor(runId, isTerminal, this.graceMs + 5_000);
  }

  /** Stops every process (their runs become 'interrupted') and waits for them to exit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.cancelPoll);
    for (const id of this.queue.splice(0)) this.finish(id, 'interrupted', 'interrupted: Grokscope closed before the run started');
    const runs = [...this.active.values()];
    for (const run of runs) {
      if (!run.finished) run.stopping = 'close';
      run.channel.kill();
    }
    const timeout = new Promise<void>((r) => setTimeout(r, 5_000).unref());
    await Promise.race([Promise.all(runs.map((r) => r.exited)), timeout]);
    // A process that never reported its exit: record the outcome anyway.
    for (const run of runs) if (this.active.has(run.runId)) this.onExit(run, { code: null, signal: null, reason: 'compute process did not exit' });
    for (const set of this.waiters.values()) for (const w of set) w.resolve(null);
    this.waiters.clear();
  }
}
