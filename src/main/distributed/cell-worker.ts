// `grokscope worker`'s engine: takes sweep cells from the BullMQ queue, trains each in its own compute process (as the
// local run scheduler does: niceness, a share of the cores, the same start message), and reports back to the
// cell's coordinator on its Redis stream (protocol.ts). Metric batches go out every REPORT_MS; before a checkpoint is
// published as the cell's restart point, every metric up to it has been sent (one connection keeps Redis's order),
// so a cell taken over by another worker after a crash continues with nothing missing. A predict sweep's cell
// holds at its window until the coordinator's decision appears in the cell's decision log (a Redis list: 'stop', or
// 'continue', possibly to hold again at a later window).
import { availableParallelism, hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { problemsFromZod, formatProblem } from '../../shared/config/errors';
import type { BackendChoice } from '../../shared/config/run-config';
import { withWallTime } from '../../shared/runs/wall-time';
import { sharedExecutionSettings } from '../host/execution-settings';
import type { ComputeChannel, ComputeLauncher } from '../host/types';
import type { ComputeToHost } from '../protocol/messages';
import type { TrainingState } from '../protocol/training-state';
import { lowerPriority } from '../services/active-run';
import { decodeCheckpoint, encodeCheckpoint } from '../store/checkpoint-codec';
import {
  CELL_QUEUE,
  COORDINATOR_ID,
  CellJobSchema,
  DecisionSchema,
  GROKSCOPE_VERSION,
  WORKER_KEY_PREFIX,
  encodeValue,
  envelopeFields,
  keys,
  type CellJob,
  type Decision,
  type Report,
  type WorkerInfo,
} from './protocol';
import { connect, type RedisTarget } from './redis';

/** How often buffered metrics go out, and how often a cell's decision key is read (ms). */
const REPORT_MS = 100;
const DECISION_POLL_MS = 250;
/** A refused job (another version) is offered again after this long, to a worker that may take it. */
const REFUSED_DELAY_MS = 5_000;
const HEARTBEAT_MS = 5_000;

export interface CellWorkerOptions {
  target: RedisTarget;
  name: string;
  concurrency: number;
  /** trains every cell on this backend instead of its config's */
  backend?: BackendChoice;
  launcher: ComputeLauncher;
  /** cores the cells share (default: all of this machine's) */
  cores?: number;
  /** lines for the worker's log (stderr) */
  log: (line: string) => void;
  /** BullMQ's lock on an active job (ms): a worker silent this long is presumed dead and its cell handed on */
  lockMs?: number;
  /** how often stalled jobs are looked for (ms) */
  stalledMs?: number;
  /** the Grokscope version this worker runs cells of (default: its own; tests of a version mismatch change it) */
  version?: string;
}

interface Counters {
  done: number;
  current: Set<string>;
  /** the backend the latest cell started on */
  trainsOn?: string;
}

export class CellWorker {
  private readonly redis: Redis;
  private worker: Worker | null = null;
  private readonly cells = new Set<CellRun>();
  private readonly counters: Counters = { done: 0, current: new Set() };
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly since = new Date().toISOString();
  private readonly host = hostname();
  private closing = false;

  /** BullMQ leaves a connection it was given open: close() ends it */
  private readonly queueConnection: Redis;

  constructor(private readonly o: CellWorkerOptions) {
    this.redis = connect(o.target);
    this.queueConnection = this.redis.duplicate();
    this.queueConnection.on('error', () => undefined);
  }

  get version(): string {
    return this.o.version ?? GROKSCOPE_VERSION;
  }

  start(): void {
    const lockDuration = this.o.lockMs ?? 30_000;
    this.worker = new Worker(CELL_QUEUE, (job, token) => this.process(job, token ?? ''), {
      connection: this.queueConnection,
      concurrency: this.o.concurrency,
      lockDuration,
      stalledInterval: this.o.stalledMs ?? Math.max(1_000, Math.floor(lockDuration / 2)),
      maxStalledCount: 20,
    });
    this.worker.on('error', (e) => this.o.log(`queue: ${e.message}`));
    this.beat();
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Publishes who this worker is and what it trains (the coordinator lists workers from these keys). */
  private beat(): void {
    const info: WorkerInfo = {
      name: this.o.name,
      host: this.host,
      version: this.version,
      backend: this.o.backend ?? null,
      concurrency: this.o.concurrency,
      current: [...this.counters.current],
      done: this.counters.done,
      since: this.since,
      ...(this.counters.trainsOn !== undefined ? { trainsOn: this.counters.trainsOn } : {}),
    };
    this.redis.set(WORKER_KEY_PREFIX + this.o.name, JSON.stringify(info), 'PX', HEARTBEAT_MS * 3).catch(() => undefined);
  }

  private async process(job: Job, token: string): Promise<string> {
    const data = (job.data ?? {}) as Record<string, unknown>;
    const coord = typeof data['coord'] === 'string' && COORDINATOR_ID.test(data['coord']) ? data['coord'] : null;
    const runId = typeof data['runId'] === 'number' && Number.isSafeInteger(data['runId']) && data['runId'] > 0 ? data['runId'] : null;
    const tell = (report: Report) => {
      if (coord && runId)
        void this.redis.xadd(keys(coord).results, '*', ...envelopeFields({ runId, token, seq: 0, report })).catch(() => undefined);
    };
    if (data['v'] !== this.version) {
      const wanted = typeof data['v'] === 'string' ? data['v'].slice(0, 64) : 'unknown';
      this.o.log(
        `refusing cell ${job.id}: it was queued by Grokscope ${wanted}, this worker is Grokscope ${this.version}; run the same version on the coordinator and its workers`,
      );
      tell({ type: 'refused', worker: this.o.name, host: this.host, version: this.version, wanted });
      await job.moveToDelayed(Date.now() + REFUSED_DELAY_MS, token);
      throw new DelayedError();
    }
    const parsed = CellJobSchema.safeParse(data);
    if (!parsed.success) {
      const problems = problemsFromZod(parsed.error)
        .slice(0, 5)
        .map((p) => formatProblem(p))
        .join('; ');
      const message = `worker ${this.o.name} refused an invalid cell job: ${problems}`;
      this.o.log(message);
      tell({ type: 'failed', message });
      throw new UnrecoverableError(message);
    }
    const cell = new CellRun(this, parsed.data, job, token);
    this.cells.add(cell);
    const label = `${parsed.data.coord}/${parsed.data.runId}`;
    this.counters.current.add(label);
    // announced at once, not at the next heartbeat: the coordinator's page shows which cell each worker trains
    this.beat();
    try {
      const outcome = await cell.run();
      if (outcome === 'released') {
        await job.moveToDelayed(Date.now() + 100, token);
        throw new DelayedError();
      }
      this.counters.done++;
      return outcome;
    } finally {
      this.cells.delete(cell);
      this.counters.current.delete(label);
      if (!this.closing) this.beat();
    }
  }

  /** Stops taking cells; cells in training checkpoint and go back to the queue for another worker. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    // BullMQ (5.81) closes a connection that is still connecting by dropping its listeners, and its failed connect
    // then emits an 'error' nobody hears, which ends the process (a worker stopped right after it started, over a
    // slow TLS handshake): let it finish connecting first, for a few seconds at most
    await Promise.race([this.worker?.waitUntilReady().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
    // closing a worker still connecting can fail: it is going away either way
    const closed = this.worker?.close().catch((e: unknown) => this.o.log(`closing the queue: ${(e as Error).message}`));
    for (const c of this.cells) c.release();
    await closed;
    await this.redis.del(WORKER_KEY_PREFIX + this.o.name).catch(() => undefined);
    this.queueConnection.disconnect();
    this.redis.disconnect();
  }

  // what a CellRun needs from its worker
  get ctx() {
    return {
      redis: this.redis,
      o: this.o,
      host: this.host,
      started: (backend: string) => {
        if (this.counters.trainsOn === backend) return;
        this.counters.trainsOn = backend;
        this.beat();
      },
    };
  }
}

/** One cell on this worker: its compute process, its reports, the coordinator's decision. */
class CellRun {
  private seq = 0;
  private evals: [number, [string, number, number | string][]][] = [];
  private bufferedRows = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private writes = new Set<Promise<unknown>>();
  private channel: ComputeChannel | null = null;
  /** the update the cell holds at next, and whether it is holding there now */
  private hold: number | undefined;
  private held = false;
  /** decisions read from the log so far, and the 'continue's not yet applied to a hold */
  private applied = 0;
  private releases: Decision[] = [];
  private stopNote: string | undefined;
  private cancelled = false;
  private releasing = false;
  private lastCheckpoint = 0;
  private readonly k: ReturnType<typeof keys>;
  private readonly ctx: CellWorker['ctx'];

  constructor(
    worker: CellWorker,
    private readonly cell: CellJob,
    private readonly job: Job,
    private readonly token: string,
  ) {
    this.ctx = worker.ctx;
    this.k = keys(cell.coord);
  }

  private send(report: Report, blob?: Buffer, alsoCheckpoint = false): void {
    const fields = envelopeFields({ runId: this.cell.runId, token: this.token, seq: ++this.seq, report, ...(blob ? { blob } : {}) });
    const r = this.ctx.redis;
    const p =
      alsoCheckpoint && blob
        ? r
            .multi()
            .xadd(this.k.results, '*', ...fields)
            .set(this.k.checkpoint(this.cell.runId), blob)
            .exec()
        : r.xadd(this.k.results, '*', ...fields);
    const tracked = p.catch((e: unknown) => this.ctx.o.log(`run ${this.cell.runId}: a report was lost: ${(e as Error).message}`));
    this.writes.add(tracked);
    void tracked.finally(() => this.writes.delete(tracked));
  }

  private flushMetrics(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.evals.length === 0) return;
    const evals = this.evals;
    this.evals = [];
    this.bufferedRows = 0;
    this.send({ type: 'metrics', evals } as Report);
  }

  /** The decisions the coordinator added to the cell's log since the last read. */
  private async newDecisions(): Promise<Decision[]> {
    const texts = await this.ctx.redis.lrange(this.k.decision(String(this.job.id)), this.applied, -1);
    this.applied += texts.length;
    const out: Decision[] = [];
    for (const t of texts) {
      try {
        const d = DecisionSchema.safeParse(JSON.parse(t));
        if (d.success) out.push(d.data);
      } catch {
        // not a decision: skipped
      }
    }
    return out;
  }

  /** Holding and told to go on: resume, holding again at the decision's next window if it gives one. */
  private releaseIfHeld(channel: ComputeChannel, step: number): void {
    if (!this.held || this.releases.length === 0) return;
    const next = this.releases.shift()!.holdAt;
    this.held = false;
    this.hold = next !== undefined && next > step ? next : undefined;
    void this.job.updateProgress({}).catch(() => undefined);
    channel.send(this.hold === undefined ? { type: 'resume' } : { type: 'resume', holdAt: this.hold });
  }

  private async restartPoint(): Promise<TrainingState | undefined> {
    const blob = await this.ctx.redis.getBuffer(this.k.checkpoint(this.cell.runId));
    if (!blob) return undefined;
    try {
      const state = decodeCheckpoint(blob);
      if (state.step >= this.cell.config.training.steps) return undefined;
      return state;
    } catch (e) {
      this.ctx.o.log(`run ${this.cell.runId}: its stored checkpoint cannot be read (${(e as Error).message}); training from step 0`);
      return undefined;
    }
  }

  /** The worker is shutting down: checkpoint and hand the cell back (see CellWorker.close). */
  release(): void {
    if (this.releasing) return;
    this.releasing = true;
    this.channel?.send({ type: 'cancel' });
  }

  async run(): Promise<'completed' | 'cancelled' | 'diverged' | 'failed' | 'released'> {
    const { o } = this.ctx;
    const runId = this.cell.runId;
    const resume = await this.restartPoint();
    const from = resume?.step ?? 0;
    this.lastCheckpoint = from;
    const earlier = await this.newDecisions();
    const stop = earlier.find((d) => d.action === 'stop');
    if (stop && resume) {
      // decided while the cell waited for a worker: nothing to train
      this.send({ type: 'done', step: from, reason: 'cancelled', ...(stop.note ? { note: stop.note } : {}) });
      await this.drain();
      return 'cancelled';
    }
    if (stop) {
      this.cancelled = true;
      this.stopNote = stop.note;
    }
    // a cell taken over from another worker: the holds its earlier decisions already released lie behind it
    this.releases = earlier.filter((d) => d.action === 'continue');
    let hold = this.cell.holdAt;
    while (hold !== undefined && from >= hold && this.releases.length > 0) hold = this.releases.shift()!.holdAt;
    if (hold !== undefined && from >= hold) hold = undefined;
    this.hold = hold;
    const holdAt = hold;
    const config = o.backend ? { ...this.cell.config, backend: o.backend } : this.cell.config;
    let channel: ComputeChannel;
    try {
      channel = o.launcher.launch();
    } catch (e) {
      this.send({ type: 'failed', message: `worker ${o.name}: could not start a compute process: ${(e as Error).message}` });
      await this.drain();
      return 'failed';
    }
    this.channel = channel;
    lowerPriority(channel);
    o.log(`run ${runId} (${this.cell.coord}): training from step ${from}${holdAt !== undefined ? `, holding at ${holdAt}` : ''}`);

    let settle!: (outcome: 'completed' | 'cancelled' | 'diverged' | 'failed' | 'released') => void;
    const finished = new Promise<'completed' | 'cancelled' | 'diverged' | 'failed' | 'released'>((r) => (settle = r));
    let over = false;
    const end = (outcome: 'completed' | 'cancelled' | 'diverged' | 'failed' | 'released') => {
      if (over) return;
      over = true;
      settle(outcome);
    };

    if (this.cancelled) channel.send({ type: 'cancel' });
    let step = from;
    const poll = setInterval(() => {
      void this.newDecisions()
        .then((ds) => {
          if (over) return;
          for (const d of ds) {
            if (d.action === 'stop' && !this.cancelled) {
              this.cancelled = true;
              this.stopNote = d.note;
              channel.send({ type: 'cancel' });
            } else if (d.action === 'continue') this.releases.push(d);
          }
          this.releaseIfHeld(channel, step);
        })
        .catch(() => undefined);
    }, DECISION_POLL_MS);

    channel.onMessage((msg: ComputeToHost) => {
      if (over || !('runId' in msg) || msg.runId !== runId) return;
      switch (msg.type) {
        case 'started':
          this.ctx.started(msg.backend);
          this.send({
            type: 'started',
            step: msg.step,
            backend: msg.backend,
            backendNotes: [...msg.backendNotes, `trained by worker ${o.name} on ${this.ctx.host} from step ${msg.step}`],
            worker: o.name,
            host: this.ctx.host,
          });
          return;
        case 'metrics':
          step = msg.step;
          // stamped here, where it trains, as the local host stamps it (shared/runs/wall-time)
          this.evals.push([msg.step, withWallTime(msg.step, msg.rows, Date.now()).map(([n, s, v]) => [n, s, encodeValue(v)])]);
          this.bufferedRows += msg.rows.length;
          if (this.bufferedRows >= 5_000) this.flushMetrics();
          else this.flushTimer ??= setTimeout(() => this.flushMetrics(), REPORT_MS);
          return;
        case 'checkpoint': {
          this.flushMetrics();
          this.lastCheckpoint = msg.state.step;
          this.send({ type: 'checkpoint', step: msg.state.step }, encodeCheckpoint(msg.state), true);
          return;
        }
        case 'paused':
          this.flushMetrics();
          if (this.releasing) return;
          this.send({ type: 'paused', step: msg.step });
          step = msg.step;
          if (this.hold !== undefined && msg.step === this.hold && !this.cancelled) {
            this.held = true;
            // a coordinator restarted meanwhile sees from the job that the cell waits for a decision it has not read
            void this.job.updateProgress({ held: msg.step, read: this.applied }).catch(() => undefined);
            this.releaseIfHeld(channel, msg.step);
          }
          return;
        case 'resumed':
          this.flushMetrics();
          this.send({ type: 'resumed', step: msg.step });
          return;
        case 'done':
          this.flushMetrics();
          if (this.releasing && msg.reason === 'cancelled') {
            this.send({ type: 'released', step: msg.step, worker: o.name });
            end('released');
            return;
          }
          this.send({
            type: 'done',
            step: msg.step,
            reason: msg.reason,
            ...(msg.message ? { message: msg.message.slice(0, 4000) } : {}),
            ...(msg.reason === 'cancelled' && this.stopNote ? { note: this.stopNote } : {}),
          });
          end(msg.reason);
          return;
        case 'error':
          this.flushMetrics();
          this.send({
            type: 'failed',
            message: `${msg.message.slice(0, 3000)} (on worker ${o.name})`,
            ...(msg.step !== undefined ? { step: msg.step } : {}),
          });
          end('failed');
          return;
      }
    });
    channel.onExit((exit) => {
      if (over) return;
      this.flushMetrics();
      if (this.releasing) {
        this.send({ type: 'released', step: this.lastCheckpoint, worker: o.name });
        end('released');
        return;
      }
      this.send({ type: 'failed', message: `${exit.reason} (on worker ${o.name})` });
      end('failed');
    });
    channel.send({
      type: 'start',
      runId,
      config,
      execution: sharedExecutionSettings(o.cores ?? availableParallelism(), o.concurrency),
      ...(resume ? { resume } : {}),
      ...(holdAt !== undefined ? { holdAt } : {}),
    });
    const outcome = await finished;
    clearInterval(poll);
    // a process that said it is done exits by itself; one that lingers is stopped
    setTimeout(() => channel.kill(), 10_000).unref();
    await this.drain();
    return outcome;
  }

  private async drain(): Promise<void> {
    this.flushMetrics();
    await Promise.allSettled([...this.writes]);
  }
}
