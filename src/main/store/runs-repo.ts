// The runs table: one row per training run, with its config, status, progress, phases and final metrics.
// Rows are plain data here; services turn them into the API's RunSummary / RunDetail.
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import type { RunStatus, Phases } from '../../shared/api/types';
import type { RunConfig } from '../../shared/config/run-config';
import { PLACEHOLDER_CONFIG, readJsonColumn } from './json-columns';

export interface FinalMetrics {
  trainLoss: number | null;
  trainAcc: number | null;
  valLoss: number | null;
  valAcc: number | null;
}

export interface RunRow {
  id: number;
  name: string;
  config: RunConfig;
  status: RunStatus;
  seed: number;
  backend: string | null;
  backendNotes: string[];
  step: number;
  totalSteps: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  phases: Phases | null;
  final: FinalMetrics | null;
  deletedAt: string | null;
  sweepId: number | null;
  /** the researcher's labels, in the order given */
  tags: string[];
  notes: string;
  owner: RunOwner | null;
  /** the `grokscope worker` that last started this run (a sweep cell across machines); null for runs trained here */
  worker: RunWorker | null;
  /** which JSON columns are unreadable and why (null: none); such a run can be listed, shown and deleted only */
  damaged: string | null;
}

/** A `grokscope worker` process: its --name and its host. */
export interface RunWorker {
  name: string;
  host: string;
}

/** The process that queued or trains a run. */
export interface RunMark {
  id: number;
  status: RunStatus;
  step: number;
  /** 1 when deleted (SQLite's boolean) */
  deleted: number;
  ownerHost: string | null;
  ownerPid: number | null;
}

export interface RunOwner {
  host: string;
  pid: number;
  /** the process's start (see services/process-identity.ts), so a reused pid is not taken for the owner; null when
   *  unknown (other systems, rows of older versions): the pid alone decides */
  started?: string | null;
}

interface RawRunRow {
  id: number;
  name: string;
  config_json: string;
  status: RunStatus;
  seed: number;
  backend: string | null;
  backend_notes_json: string;
  step: number;
  total_steps: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  phases_json: string | null;
  final_json: string | null;
  deleted_at: string | null;
  sweep_id: number | null;
  /** absent in rows read before migration 4 */
  tags_json?: string;
  notes?: string;
  owner_host: string | null;
  owner_pid: number | null;
  owner_started?: string | null;
  /** absent in rows read before migration 5 */
  worker_name?: string | null;
  worker_host?: string | null;
}

/** Reads a row's JSON columns; an unreadable one gets a neutral value and a note in `damaged`, so one bad row never
 *  stops the others from listing. `configChecked`: this config text has passed the schema before (RunsRepo). */
function readColumns(
  r: RawRunRow,
  configChecked: boolean,
): Pick<RunRow, 'config' | 'backendNotes' | 'phases' | 'final' | 'tags' | 'damaged'> {
  const problems: string[] = [];
  const read = <T>(column: keyof RawRunRow, fallback: T): T => {
    if (column === 'config_json' && configChecked) return JSON.parse(r.config_json) as T;
    const got = readJsonColumn('runs', column, r[column]);
    if ('value' in got) return (got.value ?? fallback) as T;
    problems.push(`${column} ${got.problem}`);
    return fallback;
  };
  return {
    config: read<RunConfig>('config_json', PLACEHOLDER_CONFIG),
    backendNotes: read<string[]>('backend_notes_json', []),
    phases: read<Phases | null>('phases_json', null),
    final: read<FinalMetrics | null>('final_json', null),
    tags: r.tags_json === undefined ? [] : read<string[]>('tags_json', []),
    damaged: problems.length ? problems.join('; ') : null,
  };
}

const fromRaw = (r: RawRunRow, configChecked = false): RunRow => ({
  ...readColumns(r, configChecked),
  id: r.id,
  name: r.name,
  status: r.status,
  seed: r.seed,
  backend: r.backend,
  step: r.step,
  totalSteps: r.total_steps,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
  deletedAt: r.deleted_at,
  sweepId: r.sweep_id,
  notes: r.notes ?? '',
  owner: r.owner_host !== null && r.owner_pid !== null ? { host: r.owner_host, pid: r.owner_pid, started: r.owner_started ?? null } : null,
  worker: r.worker_name != null ? { name: r.worker_name, host: r.worker_host ?? '' } : null,
});

/** Fields a status change may set along with the status; undefined leaves a column as it is. */
export interface StatusFields {
  error?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  backend?: string | null;
  backendNotes?: string[];
  step?: number;
  owner?: RunOwner;
  /** the worker that starts the run now (null: this machine) */
  worker?: RunWorker | null;
}

export class RunsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly listAllStmt;
  private readonly progressStmt;
  private readonly deleteStmt;
  private readonly restoreStmt;
  private readonly byStatusStmt;

  /** Each run's id, status, step, owner and whether it is deleted: the marks by which another process's writes are told. */
  marks(): RunMark[] {
    this.marksStmt ??= this.db.prepare<[], RunMark>(
      'SELECT id, status, step, deleted_at IS NOT NULL AS deleted, owner_host AS ownerHost, owner_pid AS ownerPid FROM runs',
    );
    return this.marksStmt.all();
  }
  private marksStmt: Statement<[], RunMark> | undefined;

  /** Each run's config text that has passed the schema: a config is never rewritten, and checking one costs about
   *  0.1 ms, a second on every list of 10,000 runs. Compared by text, so a row changed by hand is checked again. */
  private readonly checkedConfigs = new Map<number, string>();

  /** A stored row as a RunRow, its config checked against the schema once per text. */
  private read(r: RawRunRow): RunRow {
    const checked = this.checkedConfigs.get(r.id) === r.config_json;
    const row = fromRaw(r, checked);
    if (!checked && row.config !== PLACEHOLDER_CONFIG) this.checkedConfigs.set(r.id, r.config_json);
    return row;
  }

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO runs (name, config_json, status, seed, total_steps, created_at, sweep_id, owner_host, owner_pid, owner_started)
       VALUES (@name, @config_json, 'queued', @seed, @total_steps, @created_at, @sweep_id, @owner_host, @owner_pid, @owner_started)`,
    );
    this.getStmt = db.prepare<[number], RawRunRow>('SELECT * FROM runs WHERE id = ?');
    this.listStmt = db.prepare<[], RawRunRow>('SELECT * FROM runs WHERE deleted_at IS NULL ORDER BY id DESC');
    this.listAllStmt = db.prepare<[], RawRunRow>('SELECT * FROM runs ORDER BY id DESC');
    this.progressStmt = db.prepare('UPDATE runs SET step = @step, phases_json = @phases_json, final_json = @final_json WHERE id = @id');
    this.deleteStmt = db.prepare('UPDATE runs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
    this.restoreStmt = db.prepare('UPDATE runs SET deleted_at = NULL WHERE id = ?');
    this.byStatusStmt = db.prepare<[string], RawRunRow>('SELECT * FROM runs WHERE status = ? ORDER BY id');
  }

  insert(run: { name: string; config: RunConfig; createdAt: string; owner: RunOwner; sweepId?: number | null }): number {
    const configJson = JSON.stringify(run.config);
    const info = this.insertStmt.run({
      name: run.name,
      config_json: configJson,
      seed: run.config.seed,
      total_steps: run.config.training.steps,
      created_at: run.createdAt,
      sweep_id: run.sweepId ?? null,
      owner_host: run.owner.host,
      owner_pid: run.owner.pid,
      owner_started: run.owner.started ?? null,
    });
    const id = Number(info.lastInsertRowid);
    // a RunConfig came through the schema on its way in (services parse every config): no need to check it again
    this.checkedConfigs.set(id, configJson);
    return id;
  }

  get(id: number): RunRow | undefined {
    const r = this.getStmt.get(id);
    return r ? this.read(r) : undefined;
  }

  list(opts: { includeDeleted?: boolean } = {}): RunRow[] {
    return (opts.includeDeleted ? this.listAllStmt : this.listStmt).all().map((r) => this.read(r));
  }

  /** Runs in one status, oldest first (e.g. the queue); damaged runs are left out, as nothing can start them. */
  withStatus(status: RunStatus): RunRow[] {
    return this.byStatusStmt
      .all(status)
      .map((r) => this.read(r))
      .filter((r) => r.damaged === null);
  }

  setStatus(id: number, status: RunStatus, fields: StatusFields = {}): void {
    const sets = ['status = @status'];
    const params: Record<string, unknown> = { id, status };
    const col = (name: string, column: string, value: unknown) => {
      sets.push(`${column} = @${name}`);
      params[name] = value;
    };
    if (fields.error !== undefined) col('error', 'error', fields.error);
    if (fields.startedAt !== undefined) col('startedAt', 'started_at', fields.startedAt);
    if (fields.finishedAt !== undefined) col('finishedAt', 'finished_at', fields.finishedAt);
    if (fields.backend !== undefined) col('backend', 'backend', fields.backend);
    if (fields.backendNotes !== undefined) col('backendNotes', 'backend_notes_json', JSON.stringify(fields.backendNotes));
    if (fields.step !== undefined) col('step', 'step', fields.step);
    if (fields.owner !== undefined) {
      col('ownerHost', 'owner_host', fields.owner.host);
      col('ownerPid', 'owner_pid', fields.owner.pid);
      col('ownerStarted', 'owner_started', fields.owner.started ?? null);
    }
    if (fields.worker !== undefined) {
      col('workerName', 'worker_name', fields.worker?.name ?? null);
      col('workerHost', 'worker_host', fields.worker?.host ?? null);
    }
    // A cancel request is for the run's current life: it ends with the run, and a run queued again starts afresh
    // (queued → running keeps it: the owner may start the run between the request and its next poll).
    if (status !== 'running' && status !== 'paused') sets.push('cancel_requested_at = NULL');
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  setProgress(id: number, step: number, phases: Phases, final: FinalMetrics): void {
    this.progressStmt.run({ id, step, phases_json: JSON.stringify(phases), final_json: JSON.stringify(final) });
  }

  /** Asks the process that queued or trains the run to cancel it (it polls cancelRequested); false if not active. */
  requestCancel(id: number, at: string): boolean {
    return (
      this.db.prepare("UPDATE runs SET cancel_requested_at = ? WHERE id = ? AND status IN ('queued', 'running', 'paused')").run(at, id)
        .changes > 0
    );
  }

  /** Which of these runs another process has asked to cancel. */
  cancelRequested(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    return this.db
      .prepare(`SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND id IN (${ids.map(() => '?').join(', ')})`)
      .pluck()
      .all(...ids) as number[];
  }

  /** Replaces a run's tags and / or notes (undefined leaves one as it is). Returns false for a missing run. */
  annotate(id: number, change: { tags?: readonly string[]; notes?: string }): boolean {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    if (change.tags !== undefined) {
      sets.push('tags_json = @tags');
      params['tags'] = JSON.stringify(change.tags);
    }
    if (change.notes !== undefined) {
      sets.push('notes = @notes');
      params['notes'] = change.notes;
    }
    if (sets.length === 0) return this.get(id) !== undefined;
    return this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params).changes > 0;
  }

  /** Soft delete: hidden from lists until restored. Returns false if already deleted or missing. */
  softDelete(id: number, at: string): boolean {
    return this.deleteStmt.run(at, id).changes > 0;
  }

  restore(id: number): void {
    this.restoreStmt.run(id);
  }

  /** Hard delete; metrics, checkpoints and analyses go with it (ON DELETE CASCADE). */
  purge(id: number): void {
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
  }

  /**
   * Runs a previous process left active (it crashed or was killed) become 'interrupted', with a note of where they
   * stopped. Runs whose owner process is still alive (another Grokscope on this database) are left alone.
   * Called once at startup, before any compute process of ours exists.
   */
  markInterrupted(at: string, ownerAlive: (owner: RunOwner) => boolean): number[] {
    const stale = this.db
      .prepare<[], RawRunRow>("SELECT * FROM runs WHERE status IN ('queued', 'running', 'paused') ORDER BY id")
      .all()
      .map((r) => fromRaw(r))
      .filter((r) => r.owner === null || !ownerAlive(r.owner));
    const upd = this.db.prepare("UPDATE runs SET status = 'interrupted', error = @error, finished_at = @at WHERE id = @id");
    this.db.transaction(() => {
      for (const r of stale)
        upd.run({
          id: r.id,
          at,
          error: `interrupted: Grokscope stopped while the run was ${r.status}${r.status === 'queued' ? '' : ` at step ${r.step}`}`,
        });
    })();
    return stale.map((r) => r.id);
  }
}
