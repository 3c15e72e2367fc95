// The distributed sweep executor (DESIGN.md "Scale-out"; issue 17): the SweepExecutor of a coordinator (the app,
// `serve --redis`, `sweep --redis`) that queues its sweep's cells as BullMQ jobs for `grokscope worker` processes on
// any machine, and stores what they report (protocol.ts) into this coordinator's SQLite: the only writer, as with
// local cells, so the live curves, the predictor's window and the heatmap work the same.
//
// Idempotent ingestion: every report carries its attempt's token (one per worker taking the job) and a sequence
// number; a re-sent report (same token, seq not above the last) and a stale attempt's report (another token than the
// cell's latest 'started') are dropped; 'started' drops the points after the step it starts from, as a local resume
// does; the report stream's cursor moves only after SQLite has committed what it covers, and replaying reports
// from the cursor after a crash writes the same rows again (metrics are keyed by run, name and step).
//
// Restart: a coordinator's id is a hash of its host and database, so a restarted coordinator reads its stream from
// its cursor (catching up on what the workers reported meanwhile) before it touches a cell, and then reattaches to
// cells whose jobs are still queued or training instead of queueing them again.
import { createHash, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Statement } from 'better-sqlite3';
import type { Redis } from 'ioredis';
import { ApiError } from '../../shared/api/contract';
import { RESUMABLE_STATUSES, isTerminal } from '../../shared/api/run-status';
import type { Phases, RunStatus, WorkerView, WorkersView } from '../../shared/api/types';
import { STEP_LOSS_METRIC } from '../../shared/analysis/predictor';
import type { EventBus } from '../services/backend-api';
import type { RunWriter } from '../services/run-writer';
import type { SweepExecutor } from '../services/sweeps';
import { checkpointToResume } from '../services/stopped-runs';
import type { Store } from '../store';
import { decodeCheckpoint, encodeCheckpoint } from '../store/checkpoint-codec';
import type { RunOwner } from '../store/runs-repo';
import {
  CELL_QUEUE,
  GROKSCOPE_VERSION,
  WORKER_KEY_PREFIX,
  WorkerInfoSchema,
  keys,
  metricsEvals,
  parseEnvelope,
  type CellJob,
  type Decision,
  type Envelope,
  type WorkerInfo,
} from './protocol';
import { connect, type RedisTarget } from './redis';

export interface DistributedDeps {
  store: Store;
  writer: RunWriter;
  events: EventBus;
  owner: RunOwner;
}

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

/** A run's columns as the report path reads them (see lite()). */
interface LiteRow {
  status: RunStatus;
  error: string | null;
  step: number;
  totalSteps: number;
  startedAt: string | null;
  deletedAt: string | null;
  sweepId: number | null;
  phases: string | null;
  backend: string | null;
  notes: string;
}

const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
const READ_COUNT = 1_000;
const DECISION_TTL_S = 30 * 24 * 3600;
const STOP_WAIT_MS = 60_000;
/** how often the workers' keys are read for the sweep page (each worker rewrites its key when its cells change) */
const WORKERS_POLL_MS = 1_000;

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
  /** the attempt each run's reports are taken from: its token and the last sequence number stored */
  private readonly attempts = new Map<number, { token: string; seq: number }>();
  /** runs whose job this coordinator has queued or reattached to since it started: run id → job id */
  private readonly attached = new Map<number, string>();
  private readonly totalSteps = new Map<number, number>();
  private readonly refusals = new Set<string>();
  private chain: Promise<unknown>;
  private readonly loop: Promise<void>;
  private closed = false;
  private readonly connections: Redis[] = [];
  private readonly unsubscribe: () => void;
  /** this executor is announcing a status (not someone else's change) */
  private emitting = false;
  /** runs cancelled through the run service while their worker trained them: their late reports are dropped */
  private readonly cancelledHere = new Set<number>();
  private pendingSubmits: { runId: number; holdAt: number | undefined }[] = [];
  /** resolves once the reports that waited in Redis have been stored */
  readonly ready: Promise<void>;
  /** the Redis URL with its password masked */
  private readonly shown: string;
  private workersTimer: NodeJS.Timeout | null = null;

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
    this.loop = this.ingest(markReady);
    this.watchWorkers();
    // a cell a person cancelled (runs.cancel: the run scheduler stores it, as it cannot reach the worker): its worker
    // is told to stop, so it neither trains on for nothing nor reports it completed later
    this.unsubscribe = d.events.subscribe((event, payload) => {
      if (this.emitting || event !== 'run.status') return;
      const { runId, status } = payload as { runId: number; status: RunStatus };
      const jobId = this.attached.get(runId);
      if (jobId === undefined || status !== 'cancelled') return;
      this.cancelledHere.add(runId);
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
  async workers(): Promise<WorkerInfo[]> {
    const names: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${WORKER_KEY_PREFIX}*`, 'COUNT', 200);
      cursor = next;
      names.push(...found);
    } while (cursor !== '0');
    if (names.length === 0) return [];
    const texts = await this.redis.mget(...names);
    const out: WorkerInfo[] = [];
    for (const t of texts) {
      if (t === null) continue;
      try {
        const w = WorkerInfoSchema.safeParse(JSON.parse(t));
        if (w.success) out.push(w.data);
      } catch {
        // a key another program wrote: not a worker
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The workers as the sweep page shows them: this coordinator's cells each trains, and whether it takes them. */
  async workersView(): Promise<WorkersView> {
    const mine = `${this.coord}/`;
    const workers = (await this.workers()).map((w): WorkerView => {
      const runs = w.current.filter((c) => c.startsWith(mine)).map((c) => Number(c.slice(mine.length)));
      return {
        name: w.name,
        host: w.host,
        version: w.version,
        compatible: w.version === this.version,
        backend: w.backend ?? w.trainsOn ?? null,
        concurrency: w.concurrency,
        runs: runs.filter((r) => Number.isSafeInteger(r) && r > 0).sort((a, b) => a - b),
        others: w.current.length - runs.length,
        done: w.done,
        since: w.since,
      };
    });
    return { redis: this.shown, workers };
  }

  /** Reads the workers' keys every WORKERS_POLL_MS and announces 'workers.status' when what the page shows changed. */
  private watchWorkers(): void {
    let last = '';
    let busy = false;
    this.workersTimer = setInterval(() => {
      if (busy || this.closed) return;
      busy = true;
      this.workersView()
        .then((view) => {
          const text = JSON.stringify(view);
          if (text === last || this.closed) return;
          last = text;
          this.d.events.emit('workers.status', view);
        })
        .catch(() => undefined)
        .finally(() => (busy = false));
    }, WORKERS_POLL_MS);
    this.workersTimer.unref();
  }

  /**
   * Stops reading reports and leaves the cells to their workers: their runs are stored interrupted until this
   * database's coordinator starts again and reattaches (resuming the sweep), catching up on what they reported.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.workersTimer) clearInterval(this.workersTimer);
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
      const row = this.lite(runId);
      if (!row || isTerminal(row.status)) continue;
      this.d.store.runs.setStatus(runId, 'interrupted', {
        error: `interrupted: the coordinator closed while the cell was ${row.status} on the Redis queue; it goes on on its worker, and resuming the sweep catches up`,
        finishedAt: now,
      });
      this.emitStatus(runId);
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
    this.emitStatus(runId);
    // held at its window while no coordinator was there to decide (no decision after those it had read): decide now
    const progress = live.job.progress as { held?: number; read?: number } | undefined;
    if (live.state === 'active' && typeof progress === 'object' && progress !== null && typeof progress.held === 'number')
      void this.redis.llen(this.k.decision(String(live.job.id))).then((decisions) => {
        if (decisions > (progress.read ?? 0) || this.closed) return;
        const s = this.d.store.metrics.series(runId, STEP_LOSS_METRIC);
        const at = s.steps.length - 1;
        if (at < 0) return;
        this.d.events.emit('run.progress', {
          runId,
          step: s.steps[at]!,
          totalSteps: row.totalSteps,
          points: [{ name: STEP_LOSS_METRIC, step: s.steps[at]!, value: s.values[at]! }],
        });
      });
  }

  /** Returns true when the run is settled here (no worker needs to act). */
  private async doStop(runId: number, note: string): Promise<boolean> {
    const row = this.d.store.runs.get(runId);
    if (!row || isTerminal(row.status)) return true;
    const live = await this.liveJobOf(runId);
    if (!live) {
      this.finish(runId, 'cancelled', note);
      return true;
    }
    if (live.state !== 'active') {
      try {
        await live.job.remove();
        this.finish(runId, 'cancelled', note);
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
    const live = await this.liveJobOf(runId);
    if (live) {
      if (this.attached.get(runId) === String(live.job.id)) {
        // ours and on its way: release its hold (or the one it is heading for), to hold again at `holdAt` if given
        await this.decide(String(live.job.id), { action: 'continue', ...(holdAt !== undefined ? { holdAt } : {}) });
      } else this.reattach(runId, live);
      return;
    }
    if (!RESUMABLE_STATUSES.includes(row.status)) {
      // finished while this coordinator was away (the stream said so), or already on its way
      this.emitStatus(runId);
      return;
    }
    const from = checkpointToResume(this.d.store, row);
    const state = this.d.store.checkpoints.load(runId, from);
    if (!state) throw new ApiError('conflict', `run ${runId}: the checkpoint at step ${from} to continue from is gone`);
    await this.redis.set(this.k.checkpoint(runId), encodeCheckpoint(state));
    this.d.store.metrics.deleteAfter(runId, from);
    this.d.writer.recompute(runId);
    this.d.store.runs.setStatus(runId, 'queued', { error: null, finishedAt: null, owner: this.d.owner, step: from });
    this.attempts.delete(runId);
    this.emitStatus(runId);
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
      this.emitStatus(runId);
      return;
    }
    await this.redis.del(this.k.checkpoint(runId));
    this.d.store.metrics.deleteAfter(runId, -1);
    this.d.writer.recompute(runId);
    this.d.store.runs.setStatus(runId, 'queued', { error: null, finishedAt: null, owner: this.d.owner, step: 0 });
    this.attempts.delete(runId);
    this.emitStatus(runId);
    await this.addJobs([{ runId, holdAt: undefined }]);
  }

  // ---- the workers' reports ----

  private async ingest(markReady: () => void): Promise<void> {
    let cursor = '0';
    let ready = false;
    for (;;) {
      if (this.closed) return;
      try {
        if (!ready) {
          cursor = (await this.redis.get(this.k.cursor)) ?? '0';
          const tokens = await this.redis.hgetall(`${this.k.cursor}:tokens`);
          for (const [run, token] of Object.entries(tokens)) this.attempts.set(Number(run), { token, seq: 0 });
        }
        const res = (await (ready
          ? this.reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', 1_000, 'STREAMS', this.k.results, cursor)
          : this.reader.xreadBuffer('COUNT', READ_COUNT, 'STREAMS', this.k.results, cursor))) as [Buffer, [Buffer, Buffer[]][]][] | null;
        const entries = res?.[0]?.[1] ?? [];
        if (entries.length > 0) {
          const tokens: string[] = [];
          for (const [, fields] of entries) {
            const env = parseEnvelope(fields);
            if (typeof env === 'string') {
              this.log(`ignored a report: ${env}`);
              continue;
            }
            try {
              if (this.apply(env)) tokens.push(String(env.runId), env.token);
            } catch (e) {
              this.log(`run ${env.runId}: storing a ${env.report.type} report failed: ${(e as Error).message}`);
            }
          }
          this.d.writer.flush();
          cursor = entries[entries.length - 1]![0].toString('utf8');
          const pipe = this.redis.pipeline().set(this.k.cursor, cursor).xtrim(this.k.results, 'MINID', cursor);
          if (tokens.length) pipe.hset(`${this.k.cursor}:tokens`, ...tokens);
          await pipe.exec();
        }
        if (!ready && entries.length < READ_COUNT) {
          ready = true;
          markReady();
        }
      } catch (e) {
        if (this.closed) return;
        this.log(`reading the workers' reports: ${(e as Error).message}; trying again`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stores one report; true when it began a new attempt (its token is remembered in Redis). */
  private apply(env: Envelope): boolean {
    const { runId, token, seq, report } = env;
    if (report.type === 'refused') {
      const key = `${report.worker}@${report.host}:${report.version}`;
      if (!this.refusals.has(key)) {
        this.refusals.add(key);
        this.log(
          `worker ${report.worker} on ${report.host} runs Grokscope ${report.version} and refuses cells of ${report.wanted}; run the same version there`,
        );
      }
      return false;
    }
    const row = this.lite(runId);
    if (!row || row.deletedAt !== null || row.sweepId === null) return false;
    if (this.cancelledHere.has(runId)) {
      // what its worker says after a person cancelled the cell is dropped (its metrics and checkpoints as well: the
      // stored ones end where the cancel found them, and continuing starts from their last checkpoint)
      if (row.status === 'cancelled') {
        return false;
      }
      this.cancelledHere.delete(runId);
    }
    const cur = this.attempts.get(runId);
    let began = false;
    if (report.type === 'started') {
      if (cur && cur.token === token && seq <= cur.seq) return false;
      this.attempts.set(runId, { token, seq });
      began = cur?.token !== token;
    } else if (!cur) this.attempts.set(runId, { token, seq });
    else if (cur.token !== token || seq <= cur.seq) return false;
    else cur.seq = seq;

    const { store, writer } = this.d;
    const now = new Date().toISOString();
    switch (report.type) {
      case 'started': {
        writer.flush();
        if (row.step > report.step || store.metrics.count(runId) > 0) {
          store.metrics.deleteAfter(runId, report.step === 0 ? -1 : report.step);
          writer.recompute(runId);
        } else writer.begin(runId);
        store.runs.setStatus(runId, 'running', {
          startedAt: row.startedAt ?? now,
          finishedAt: null,
          error: null,
          backend: report.backend,
          backendNotes: report.backendNotes,
          step: report.step,
          owner: this.d.owner,
          worker: { name: report.worker, host: report.host },
        });
        this.emitStatus(runId);
        return began;
      }
      case 'metrics': {
        if (isTerminal(row.status) && row.status !== 'interrupted') return false;
        const points: { name: string; step: number; value: number }[] = [];
        let last = 0;
        for (const { step, rows } of metricsEvals(report.evals)) {
          writer.add(runId, step, rows);
          for (const [name, s, value] of rows) points.push({ name, step: s, value });
          last = step;
        }
        let total = this.totalSteps.get(runId);
        if (total === undefined) this.totalSteps.set(runId, (total = row.totalSteps));
        this.d.events.emit('run.progress', { runId, step: last, totalSteps: total, points });
        return false;
      }
      case 'checkpoint': {
        if (!env.blob) throw new Error('a checkpoint report without its checkpoint');
        const state = decodeCheckpoint(env.blob);
        if (state.step !== report.step) throw new Error(`the checkpoint says step ${state.step}, its report ${report.step}`);
        writer.flush();
        const bytes = store.checkpoints.save(runId, state, now);
        this.d.events.emit('run.checkpoint', { runId, step: state.step, bytes });
        return false;
      }
      case 'paused':
      case 'resumed':
        writer.flush();
        store.runs.setStatus(runId, report.type === 'paused' ? 'paused' : 'running', { step: report.step, owner: this.d.owner });
        this.emitStatus(runId);
        return false;
      case 'done': {
        const error =
          report.reason === 'completed'
            ? null
            : report.reason === 'diverged'
              ? (report.message ?? `diverged at step ${report.step}`)
              : (report.note ?? report.message ?? null);
        this.finish(runId, report.reason, error, report.step);
        return false;
      }
      case 'failed':
        this.finish(runId, 'failed', report.message, report.step);
        return false;
      case 'released':
        writer.flush();
        this.attempts.delete(runId);
        store.runs.setStatus(runId, 'queued', { owner: this.d.owner });
        this.log(`run ${runId}: worker ${report.worker} shut down at step ${report.step}; the cell waits for another worker`);
        this.emitStatus(runId);
        return false;
    }
  }

  private onJobFailed(jobId: string, reason: string): void {
    const runId = this.runOfJob(jobId);
    if (runId === null || this.attached.get(runId) !== jobId) return;
    const row = this.lite(runId);
    if (!row || isTerminal(row.status)) return;
    this.finish(runId, 'failed', `the cell's job failed on the queue: ${reason}`);
  }

  private runOfJob(jobId: string): number | null {
    const m = /^([0-9a-f]{16})\.(\d+)\./.exec(jobId);
    return m && m[1] === this.coord ? Number(m[2]) : null;
  }

  private failRun(runId: number, error: string): void {
    this.log(`run ${runId}: ${error}`);
    const row = this.lite(runId);
    if (row && !isTerminal(row.status)) this.finish(runId, 'failed', error);
  }

  /** Stores a final status (after the run's metrics) and announces it; the cell's keys in Redis go. */
  private finish(runId: number, status: RunStatus, error: string | null, step?: number): void {
    const { writer, store } = this.d;
    const s = step ?? writer.step(runId) ?? undefined;
    const problem = writer.end(runId);
    const message = problem ? (error ? `${error}; ${problem}` : problem) : error;
    store.runs.setStatus(runId, status, { error: message, finishedAt: new Date().toISOString(), ...(s !== undefined ? { step: s } : {}) });
    this.attempts.delete(runId);
    this.totalSteps.delete(runId);
    const jobId = this.attached.get(runId);
    const pipe = this.redis.pipeline().del(this.k.checkpoint(runId), this.k.job(runId)).hdel(`${this.k.cursor}:tokens`, String(runId));
    if (jobId) pipe.del(this.k.decision(jobId));
    void pipe.exec().catch(() => undefined);
    this.emitStatus(runId);
  }

  private emitStatus(id: number): void {
    const row = this.lite(id);
    if (!row) return;
    this.emitting = true;
    try {
      this.emitStatusOf(id, row);
    } finally {
      this.emitting = false;
    }
  }

  private emitStatusOf(id: number, row: LiteRow): void {
    this.d.events.emit('run.status', {
      runId: id,
      status: row.status,
      error: row.error,
      phases: row.phases === null ? null : (JSON.parse(row.phases) as Phases),
      backend: row.backend,
      backendNotes: JSON.parse(row.notes) as string[],
      step: row.step,
    });
  }

  private liteStmt: Statement<[number], LiteRow> | undefined;
  /** The columns a report needs, without parsing the run's config (store.runs.get does, for every report). */
  private lite(id: number): LiteRow | undefined {
    this.liteStmt ??= this.d.store.db.prepare<[number], LiteRow>(
      `SELECT status, error, step, total_steps AS totalSteps, started_at AS startedAt, deleted_at AS deletedAt,
              sweep_id AS sweepId, phases_json AS phases, backend, backend_notes_json AS notes FROM runs WHERE id = ?`,
    );
    return this.liteStmt.get(id);
  }

  private waitTerminal(runId: number, timeoutMs: number): Promise<void> {
    return new Promise((resolveWait) => {
      const row = this.lite(runId);
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
