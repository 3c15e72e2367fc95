// The distributed sweep executor (DESIGN.md "Scale-out"; issue 17): the SweepExecutor of a coordinator (the app,
// `serve --redis`, `sweep --redis`) that queues its sweep's cells as BullMQ jobs for `grokscope worker` processes on
// any machine, and stores what they report (protocol.ts) into this coordinator's SQLite: the only writer, as with
// local cells, so the live curves, the predictor's window and the heatmap work the same.
//
// This file is the job side: queueing cells, stopping, continuing and restarting them, and following their jobs.
// The reports' side (reading the stream, idempotent ingestion into SQLite, a run's final status) is
// report-ingest.ts; the list of workers, worker-list.ts.
//
// Restart: a coordinator's id is a hash of its host and database, so a restarted coordinator reads its stream from
// its cursor (catching up on what the workers reported meanwhile) before it touches a cell, and then reattaches to
// cells whose jobs are still queued or training instead of queueing them again.
import { createHash, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ApiError } from '../../shared/api/contract';
import { RESUMABLE_STATUSES, isTerminal } from '../../shared/api/run-status';
import type { RunStatus, WorkersView } from '../../shared/api/types';
import { STEP_LOSS_METRIC } from '../../shared/analysis/predictor';
import type { SweepExecutor } from '../services/sweeps';
import { checkpointToResume } from '../services/stopped-runs';
import { encodeCheckpoint } from '../store/checkpoint-codec';
import { CELL_QUEUE, GROKSCOPE_VERSION, keys, type CellJob, type Decision, type WorkerInfo } from './protocol';
import { connect, type RedisTarget } from './redis';
import { ReportIngest, type DistributedDeps } from './report-ingest';
import { listWorkers, watchWorkers, workersView } from './worker-list';

/** Polls of 100 ms for a cancelled cell's job to end on its worker before it is continued. */
const STOPPING_POLLS = 150;

export type { DistributedDeps } from './report-ingest';

export interface DistributedOptions {
  target: RedisTarget;
  /** this coordinator's id (default: coordinatorId(store.path)) */
  coord?: string;
  /** notices for the user (a worker refusing cells, a worker lost): default stderr */
  log?: (line: string) => void;
  /** the version put on jobs (default: this Grokscope's; tests of a version mismatch change it) */
  version?: string;
}

/** A coordinator's id: the same host and database give the same id, so a restart finds its stream and jobs. */
export function coordinatorId(dbPath: string): string {
  let path = resolve(dbPath);
  try {
    path = realpathSync(path);
  } catch {
    // not created yet: its absolute path
  }
  return createHash('sha256').update(`${hostname()}\n${path}`).digest('hex').slice(0, 16);
}

const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
const DECISION_TTL_S = 30 * 24 * 3600;
const STOP_WAIT_MS = 60_000;

interface Live {
  job: Job;
  state: string;
}

export class DistributedExecutor implements SweepExecutor {
  readonly coord: string;
  readonly version: string;
  private readonly k: ReturnType<typeof keys>;
  private readonly redis: Redis;
  private readonly reader: Redis;
  private readonly queue: Queue;
  private readonly queueEvents: QueueEvents;
  private readonly log: (line: string) => void;
  /** runs whose job this coordinator has queued or reattached to since it started: run id → job id */
  private readonly attached = new Map<number, string>();
  private chain: Promise<unknown>;
  private readonly loop: Promise<void>;
  private closed = false;
  private readonly connections: Redis[] = [];
  private readonly unsubscribe: () => void;
  private pendingSubmits: { runId: number; holdAt: number | undefined }[] = [];
  /** resolves once the reports that waited in Redis have been stored */
  readonly ready: Promise<void>;
  /** the Redis URL with its password masked */
  private readonly shown: string;
  private readonly stopWatchingWorkers: () => void;
  /** the workers' reports into SQLite */
  private readonly reports: ReportIngest;

  constructor(
    private readonly d: DistributedDeps,
    o: DistributedOptions,
  ) {
    this.coord = o.coord ?? coordinatorId(d.store.path);
    this.k = keys(this.coord);
    this.log = o.log ?? ((line) => console.error(line));
    this.version = o.version ?? GROKSCOPE_VERSION;
    this.shown = o.target.shown;
    this.redis = connect(o.target);
    this.reader = this.redis.duplicate();
    this.reader.on('error', () => undefined);
    // BullMQ leaves connections it was given open: close() below ends them
    this.queue = new Queue(CELL_QUEUE, { connection: this.own(this.redis.duplicate()) });
    this.queue.on('error', () => undefined);
    this.queueEvents = new QueueEvents(CELL_QUEUE, { connection: this.own(this.redis.duplicate()) });
    this.queueEvents.on('error', () => undefined);
    this.queueEvents.on('failed', ({ jobId, failedReason }) => this.onJobFailed(jobId, failedReason));
    this.queueEvents.on('stalled', ({ jobId }) => {
      const runId = this.runOfJob(jobId);
      if (runId !== null) this.log(`run ${runId}: its worker stopped answering; the cell goes to another worker`);
    });
    let markReady!: () => void;
    this.ready = new Promise<void>((r) => (markReady = r));
    this.chain = this.ready;
    this.reports = new ReportIngest(d, this.redis, this.reader, this.k, this.log, this.attached, () => this.closed);
    this.loop = this.reports.ingest(markReady);
    this.stopWatchingWorkers = watchWorkers(
      () => this.workersView(),
      (view) => d.events.emit('workers.status', view),
      () => this.closed,
    );
    // a cell a person cancelled (runs.cancel: the run scheduler stores it, as it cannot reach the worker): its worker
    // is told to stop, so it neither trains on for nothing nor reports it completed later
    this.unsubscribe = d.events.subscribe((event, payload) => {
      if (this.reports.emitting || event !== 'run.status') return;
      const { runId, status } = payload as { runId: number; status: RunStatus };
      const jobId = this.attached.get(runId);
      if (jobId === undefined || status !== 'cancelled') return;
      this.reports.cancelledHere.add(runId);
      void this.op(() => this.decide(jobId, { action: 'stop', note: 'cancelled' })).catch(() => undefined);
    });
  }

  private own(c: Redis): Redis {
    c.on('error', () => undefined);
    this.connections.push(c);
    return c;
  }

  // ---- SweepExecutor ----

  submit(runId: number, holdAt?: number): void {
    // stored queued already (the sweep announced its runs): nothing to announce until a worker starts it
    this.pendingSubmits.push({ runId, holdAt });
    if (this.pendingSubmits.length === 1) void this.op(() => this.flushSubmits());
  }

  async stop(runId: number, note: string): Promise<void> {
    const done = await this.op(() => this.doStop(runId, note));
    if (!done) await this.waitTerminal(runId, STOP_WAIT_MS);
  }

  continue(runId: number, holdAt?: number): Promise<void> {
    return this.op(() => this.doContinue(runId, holdAt));
  }

  restart(runId: number): void {
    void this.op(() => this.doRestart(runId)).catch((e: unknown) =>
      this.failRun(runId, `could not queue the cell again: ${(e as Error).message}`),
    );
  }

  /** The workers that are up (each refreshes its key every few seconds). */
  workers(): Promise<WorkerInfo[]> {
    return listWorkers(this.redis);
  }

  /** The workers as the sweep page shows them: this coordinator's cells each trains, and whether it takes them. */
  async workersView(): Promise<WorkersView> {
    return workersView(await this.workers(), this.coord, this.version, this.shown);
  }

  /**
   * Stops reading reports and leaves the cells to their workers: their runs are stored interrupted until this
   * database's coordinator starts again and reattaches (resuming the sweep), catching up on what they reported.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatchingWorkers();
    await Promise.race([this.chain.catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
    this.reader.disconnect();
    await this.loop.catch(() => undefined);
    try {
      this.d.writer.flush();
    } catch (e) {
      this.log(`storing the last reports failed: ${(e as Error).message}`);
    }
    const now = new Date().toISOString();
    for (const runId of this.attached.keys()) {
      const row = this.reports.lite(runId);
      if (!row || isTerminal(row.status)) continue;
      this.d.store.runs.setStatus(runId, 'interrupted', {
        error: `interrupted: the coordinator closed while the cell was ${row.status} on the Redis queue; it goes on on its worker, and resuming the sweep catches up`,
        finishedAt: now,
      });
      this.reports.emitStatus(runId);
    }
    this.unsubscribe();
    await Promise.allSettled([this.queueEvents.close(), this.queue.close()]);
    for (const c of this.connections) c.disconnect();
    this.redis.disconnect();
  }

  // ---- operations, one at a time after the stream has caught up ----

  private op<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(() => {
      if (this.closed) throw new ApiError('conflict', 'the coordinator is closing');
      return fn();
    });
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async flushSubmits(): Promise<void> {
    const batch = this.pendingSubmits;
    this.pendingSubmits = [];
    const jobIds = batch.length ? await this.redis.mget(...batch.map((b) => this.k.job(b.runId))) : [];
    const fresh: { runId: number; holdAt: number | undefined }[] = [];
    for (const [i, b] of batch.entries()) {
      const live = jobIds[i] ? await this.liveJob(jobIds[i]) : null;
      if (live) this.reattach(b.runId, live);
      else fresh.push(b);
    }
    await this.addJobs(fresh);
  }

  private async addJobs(cells: { runId: number; holdAt: number | undefined }[]): Promise<void> {
    const jobs: { name: string; data: CellJob; opts: { jobId: string; removeOnComplete: boolean; removeOnFail: { age: number } } }[] = [];
    const pipe = this.redis.pipeline();
    for (const { runId, holdAt } of cells) {
      const row = this.d.store.runs.get(runId);
      if (!row || row.status !== 'queued' || row.deletedAt !== null) continue;
      const jobId = `${this.coord}.${runId}.${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
      const data: CellJob = { v: this.version, coord: this.coord, runId, config: row.config, ...(holdAt !== undefined ? { holdAt } : {}) };
      jobs.push({ name: 'cell', data, opts: { jobId, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } } });
      pipe.set(this.k.job(runId), jobId);
      this.attached.set(runId, jobId);
    }
    if (jobs.length === 0) return;
    await pipe.exec();
    await this.queue.addBulk(jobs);
  }

  private async liveJob(jobId: string): Promise<Live | null> {
    const job = await this.queue.getJob(jobId);
    if (!job) return null;
    const state = await job.getState();
    return LIVE_STATES.has(state) ? { job, state } : null;
  }

  private async liveJobOf(runId: number): Promise<Live | null> {
    const jobId = await this.redis.get(this.k.job(runId));
    return jobId ? this.liveJob(jobId) : null;
  }

  /** A cell whose job outlived this coordinator: follow it again instead of queueing it anew. */
  private reattach(runId: number, live: Live): void {
    this.attached.set(runId, String(live.job.id));
    const row = this.d.store.runs.get(runId);
    if (!row) return;
    const status: RunStatus = live.state === 'active' ? (row.status === 'paused' ? 'paused' : 'running') : 'queued';
    this.d.store.runs.setStatus(runId, status, { error: null, finishedAt: null, owner: this.d.owner });
    this.reports.emitStatus(runId);
    // held at its window while no coordinator was there to decide (no decision after those it had read): decide now
    const progress = live.job.progress as { held?: number; read?: number } | undefined;
    if (live.state === 'active' && typeof progress === 'object' && progress !== null && typeof progress.held === 'number')
      void this.redis.llen(this.k.decision(String(live.job.id))).then((decisions) => {
        if (decisions > (progress.read ?? 0) || this.closed) return;
        // the last per-update loss and evaluation: a window past the recorded loss ends with an evaluation
        const points = [STEP_LOSS_METRIC, 'val_acc'].flatMap((name) => {
          const s = this.d.store.metrics.series(runId, name);
          const at = s.steps.length - 1;
          return at < 0 ? [] : [{ name, step: s.steps[at]!, value: s.values[at]! }];
        });
        if (points.length === 0) return;
        this.d.events.emit('run.progress', { runId, step: Math.max(...points.map((p) => p.step)), totalSteps: row.totalSteps, points });
      });
  }

  /** Returns true when the run is settled here (no worker needs to act). */
  private async doStop(runId: number, note: string): Promise<boolean> {
    const row = this.d.store.runs.get(runId);
    if (!row || isTerminal(row.status)) return true;
    const live = await this.liveJobOf(runId);
    if (!live) {
      this.reports.finish(runId, 'cancelled', note);
      return true;
    }
    if (live.state !== 'active') {
      try {
        await live.job.remove();
        this.reports.finish(runId, 'cancelled', note);
        return true;
      } catch {
        // a worker took it meanwhile: tell that worker
      }
    }
    await this.decide(String(live.job.id), { action: 'stop', note });
    return false;
  }

  private async decide(jobId: string, d: Decision): Promise<void> {
    const key = this.k.decision(jobId);
    await this.redis.multi().rpush(key, JSON.stringify(d)).expire(key, DECISION_TTL_S).exec();
  }

  private async doContinue(runId: number, holdAt?: number): Promise<void> {
    const row = this.d.store.runs.get(runId);
    if (!row) return;
    let live = await this.liveJobOf(runId);
    // a cell a person cancelled may still be stopping on its worker: its job ends, then the cell is queued anew
    for (let i = 0; live && this.reports.cancelledHere.has(runId) && row.status === 'cancelled'; i++) {
      if (i === STOPPING_POLLS) throw new ApiError('conflict', `run ${runId} is still stopping on its worker; resume it again in a moment`);
      await new Promise((r) => setTimeout(r, 100));
      live = await this.liveJobOf(runId);
    }
    if (live) {
      if (this.attached.get(runId) === String(live.job.id)) {
        // ours and on its way: release its hold (or the one it is heading for), to hold again at `holdAt` if given
        await this.decide(String(live.job.id), { action: 'continue', ...(holdAt !== undefined ? { holdAt } : {}) });
      } else this.reattach(runId, live);
      return;
    }
    if (!RESUMABLE_STATUSES.includes(row.status)) {
      // finished while this coordinator was away (the stream said so), or already on its way
      this.reports.emitStatus(runId);
      return;
    }
    const from = checkpointToResume(this.d.store, row);
    const state = this.d.store.checkpoints.load(runId, from);
    if (!state) throw new ApiError('conflict', `run ${runId}: the checkpoint at step ${from} to continue from is gone`);
    await this.redis.set(this.k.checkpoint(runId), encodeCheckpoint(state));
    this.d.store.metrics.deleteAfter(runId, from);
    this.d.writer.recompute(runId);
    this.d.store.runs.setStatus(runId, 'queued', { error: null, finishedAt: null, owner: this.d.owner, step: from });
    this.reports.forget(runId);
    this.reports.emitStatus(runId);
    await this.addJobs([{ runId, holdAt: holdAt !== undefined && holdAt > from ? holdAt : undefined }]);
  }

  private async doRestart(runId: number): Promise<void> {
    const row = this.d.store.runs.get(runId);
    if (!row) return;
    const live = await this.liveJobOf(runId);
    if (live) {
      if (this.attached.get(runId) !== String(live.job.id)) this.reattach(runId, live);
      return;
    }
    if (row.status !== 'interrupted' && row.status !== 'failed') {
      this.reports.emitStatus(runId);
      return;
    }
    await this.redis.del(this.k.checkpoint(runId));
    this.d.store.metrics.deleteAfter(runId, -1);
    this.d.writer.recompute(runId);
    this.d.store.runs.setStatus(runId, 'queued', { error: null, finishedAt: null, owner: this.d.owner, step: 0 });
    this.reports.forget(runId);
    this.reports.emitStatus(runId);
    await this.addJobs([{ runId, holdAt: undefined }]);
  }

  private onJobFailed(jobId: string, reason: string): void {
    const runId = this.runOfJob(jobId);
    if (runId === null || this.attached.get(runId) !== jobId) return;
    const row = this.reports.lite(runId);
    if (!row || isTerminal(row.status)) return;
    this.reports.finish(runId, 'failed', `the cell's job failed on the queue: ${reason}`);
  }

  private runOfJob(jobId: string): number | null {
    const m = /^([0-9a-f]{16})\.(\d+)\./.exec(jobId);
    return m && m[1] === this.coord ? Number(m[2]) : null;
  }

  private failRun(runId: number, error: string): void {
    this.log(`run ${runId}: ${error}`);
    const row = this.reports.lite(runId);
    if (row && !isTerminal(row.status)) this.reports.finish(runId, 'failed', error);
  }

  private waitTerminal(runId: number, timeoutMs: number): Promise<void> {
    return new Promise((resolveWait) => {
      const row = this.reports.lite(runId);
      if (!row || isTerminal(row.status)) return resolveWait();
      const timer = setTimeout(() => {
        off();
        resolveWait();
      }, timeoutMs);
      timer.unref();
      const off = this.d.events.subscribe((e, p) => {
        if (e === 'run.status' && (p as { runId: number }).runId === runId && isTerminal((p as { status: RunStatus }).status)) {
          clearTimeout(timer);
          off();
          resolveWait();
        }
      });
    });
  }
}
