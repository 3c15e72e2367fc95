// The workers' reports into the coordinator's SQLite (DESIGN.md "Scale-out"; issue 17): the half of the distributed
// executor (executor.ts) that reads this coordinator's report stream (protocol.ts) and applies each report to the
// store, the only writer, as with local cells, so the live curves, the predictor's window and the heatmap work the
// same. Also the run's final status and its announcement, which the job side uses when it settles a cell itself.
//
// Idempotent ingestion: every report carries its attempt's token (one per worker taking the job) and a sequence
// number; a re-sent report (same token, seq not above the last) and a stale attempt's report (another token than the
// cell's latest 'started') are dropped; 'started' drops the points after the step it starts from, as a local resume
// does; the report stream's cursor moves only after SQLite has committed what it covers, and replaying reports
// from the cursor after a crash writes the same rows again (metrics are keyed by run, name and step).
import type { Statement } from 'better-sqlite3';
import type { Redis } from 'ioredis';
import { isTerminal } from '../../shared/api/run-status';
import type { Phases, RunStatus } from '../../shared/api/types';
import type { EventBus } from '../services/backend-api';
import type { RunWriter } from '../services/run-writer';
import type { Store } from '../store';
import { decodeCheckpoint } from '../store/checkpoint-codec';
import type { RunOwner } from '../store/runs-repo';
import { metricsEvals, parseEnvelope, type Envelope, type keys } from './protocol';

/** What the distributed executor works with: the coordinator's store, writer, event bus and owner identity. */
export interface DistributedDeps {
  store: Store;
  writer: RunWriter;
  events: EventBus;
  owner: RunOwner;
}

/** A run's columns as the report path reads them (see lite()). */
export interface LiteRow {
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

const READ_COUNT = 1_000;

export class ReportIngest {
  /** the attempt each run's reports are taken from: its token and the last sequence number stored */
  private readonly attempts = new Map<number, { token: string; seq: number }>();
  private readonly totalSteps = new Map<number, number>();
  private readonly refusals = new Set<string>();
  /** this coordinator is announcing a status (not someone else's change) */
  emitting = false;
  /** runs cancelled through the run service while their worker trained them: their late reports are dropped */
  readonly cancelledHere = new Set<number>();

  constructor(
    private readonly d: DistributedDeps,
    /** for the cursor, the attempts' tokens and a finished cell's keys */
    private readonly redis: Redis,
    /** for the blocking stream reads alone */
    private readonly reader: Redis,
    private readonly k: ReturnType<typeof keys>,
    private readonly log: (line: string) => void,
    /** runs whose job the coordinator queued or reattached to: run id → job id (its decision log goes with it) */
    private readonly attached: ReadonlyMap<number, string>,
    private readonly isClosed: () => boolean,
  ) {}

  /** A new attempt of the run starts over (queued again): whichever worker takes it next reports afresh. */
  forget(runId: number): void {
    this.attempts.delete(runId);
  }

  /** Reads the stream from its cursor until close; `markReady` once the reports that waited in Redis are stored. */
  async ingest(markReady: () => void): Promise<void> {
    let cursor = '0';
    let ready = false;
    for (;;) {
      if (this.isClosed()) return;
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
        if (this.isClosed()) return;
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

  /** Stores a final status (after the run's metrics) and announces it; the cell's keys in Redis go. */
  finish(runId: number, status: RunStatus, error: string | null, step?: number): void {
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

  emitStatus(id: number): void {
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
  lite(id: number): LiteRow | undefined {
    this.liteStmt ??= this.d.store.db.prepare<[number], LiteRow>(
      `SELECT status, error, step, total_steps AS totalSteps, started_at AS startedAt, deleted_at AS deletedAt,
              sweep_id AS sweepId, phases_json AS phases, backend, backend_notes_json AS notes FROM runs WHERE id = ?`,
    );
    return this.liteStmt.get(id);
  }
}
