// Numbered schema migrations keyed on `PRAGMA user_version`. Each runs in its own transaction together with the
// version bump, so a crash mid-migration leaves the previous version intact. Append new migrations; never edit old ones.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, metrics, checkpoints, sweeps, analyses',
    up(db) {
      db.exec(`
        CREATE TABLE sweeps (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          config_json TEXT NOT NULL,
          status TEXT NOT NULL,
          result_json TEXT,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT,
          deleted_at TEXT
        );

        CREATE TABLE runs (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          config_json TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN
            ('queued','running','paused','completed','failed','cancelled','interrupted','diverged')),
          seed INTEGER NOT NULL,
          backend TEXT,
          backend_notes_json TEXT NOT NULL DEFAULT '[]',
          step INTEGER NOT NULL DEFAULT 0,
          total_steps INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT,
          error TEXT,
          phases_json TEXT,
          final_json TEXT,
          deleted_at TEXT,
          -- the Grokscope process that queued/trains the run: a second process (CLI beside the app) must not mark
          -- another live process's runs 'interrupted' at startup, nor start its queued runs
          owner_host TEXT,
          owner_pid INTEGER,
          -- a run expanded from a sweep cell; the run outlives a deleted sweep
          sweep_id INTEGER REFERENCES sweeps(id) ON DELETE SET NULL
        );
        CREATE INDEX runs_status ON runs(status);
        CREATE INDEX runs_sweep ON runs(sweep_id) WHERE sweep_id IS NOT NULL;

        -- One row per (run, metric, step): clustered on the key, so a series is one contiguous range read.
        CREATE TABLE metrics (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          step INTEGER NOT NULL,
          value REAL,
          PRIMARY KEY (run_id, name, step)
        ) WITHOUT ROWID;

        -- blob: 4-byte header length, JSON header, raw little-endian Float32 tensors (see checkpoints-repo.ts)
        CREATE TABLE checkpoints (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step INTEGER NOT NULL,
          blob BLOB NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (run_id, step)
        );

        CREATE TABLE analyses (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          kind TEXT NOT NULL,
          params_json TEXT NOT NULL,
          status TEXT NOT NULL,
          result_json TEXT,
          error TEXT,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT
        );
        CREATE INDEX analyses_run ON analyses(run_id);
      `);
    },
  },
  {
    version: 2,
    name: 'metric_buckets: min-max summaries of 64-step ranges, so long histories load without reading every point',
    up(db) {
      db.exec(`
        -- One row per (run, metric, 64-step range): the range's lowest and highest value and their steps (the
        -- earliest on ties; NULL values, i.e. NaN, ignored; an all-NaN range keeps its first step with NULLs).
        -- Kept by MetricsRepo.insert / deleteAfter; read by MetricsRepo.downsampled for long series.
        CREATE TABLE metric_buckets (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          bucket INTEGER NOT NULL,
          min_step INTEGER NOT NULL,
          min_value REAL,
          max_step INTEGER NOT NULL,
          max_value REAL,
          PRIMARY KEY (run_id, name, bucket)
        ) WITHOUT ROWID;
      `);
      rebuildBuckets(db, null, -1);
    },
  },
  {
    version: 3,
    name: 'runs: the owner process start time (a reused pid is not the owner) and cross-process cancel requests',
    up(db) {
      db.exec(`
        -- "<boot id>/<start time in clock ticks>" of the owner process on Linux, NULL elsewhere and for older rows
        -- (those fall back to the pid alone)
        ALTER TABLE runs ADD COLUMN owner_started TEXT;
        -- set by a process that wants to cancel a run another process trains; the owner polls it and cancels
        ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;
      `);
    },
  },
  {
    version: 4,
    name: "runs: the researcher's tags and notes (the runs table filters, sorts and shows them)",
    up(db) {
      db.exec(`
        -- a JSON list of short labels, e.g. ["baseline","wd sweep"]; older rows have none
        ALTER TABLE runs ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
        -- free text the researcher keeps about the run
        ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
      `);
    },
  },
  {
    version: 5,
    name: 'runs: the worker that trains or trained a sweep cell across machines (issue 17)',
    up(db) {
      db.exec(`
        -- the \`grokscope worker\` (its --name and host) that last started the run; NULL for runs trained here
        ALTER TABLE runs ADD COLUMN worker_name TEXT;
        ALTER TABLE runs ADD COLUMN worker_host TEXT;
      `);
    },
  },
];

/** Steps per metric_buckets row. */
export const BUCKET_STEPS = 64;

/**
 * Recomputes metric_buckets from the metrics table: for one run (or every run when null), every bucket holding steps
 * after `fromStep` (-1: all). Used by migration 2 and when a resumed run drops its points after a checkpoint.
 */
export function rebuildBuckets(db: Database.Database, runId: number | null, fromStep: number): void {
  const from = Math.floor(Math.max(fromStep, -1) / BUCKET_STEPS);
  const runCond = runId === null ? '1' : 'run_id = @run';
  // better-sqlite3 binds JS numbers as REAL: the bucket width is written into the SQL so that step / w stays an
  // integer division (it is a constant of this file, not input).
  const w = Math.trunc(BUCKET_STEPS);
  const params = { run: runId, from };
  db.prepare(`DELETE FROM metric_buckets WHERE ${runCond} AND bucket >= @from`).run(params);
  // With exactly one min() or max() in a query, SQLite takes the bare column (step) from the row holding it.
  db.prepare(
    `INSERT INTO metric_buckets (run_id, name, bucket, min_step, min_value, max_step, max_value)
     SELECT run_id, name, step / ${w}, step, MIN(value), step, NULL FROM metrics
     WHERE ${runCond} AND step >= @from * ${w} GROUP BY run_id, name, step / ${w}`,
  ).run(params);
  db.prepare(
    `UPDATE metric_buckets SET (max_step, max_value) = (
       SELECT step, MAX(value) FROM metrics m
       WHERE m.run_id = metric_buckets.run_id AND m.name = metric_buckets.name
         AND m.step >= metric_buckets.bucket * ${w} AND m.step < (metric_buckets.bucket + 1) * ${w})
     WHERE ${runCond} AND bucket >= @from`,
  ).run(params);
  // an all-NaN range is a gap marked at its first step (the bare column above is any of its rows)
  db.prepare(
    `UPDATE metric_buckets SET (min_step, max_step) = (
       SELECT MIN(step), MIN(step) FROM metrics m
       WHERE m.run_id = metric_buckets.run_id AND m.name = metric_buckets.name
         AND m.step >= metric_buckets.bucket * ${w} AND m.step < (metric_buckets.bucket + 1) * ${w})
     WHERE ${runCond} AND bucket >= @from AND min_value IS NULL`,
  ).run(params);
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export const userVersion = (db: Database.Database): number => db.pragma('user_version', { simple: true }) as number;

/** `PRAGMA application_id` of every Grokscope database: ASCII "GrkS", so other programs' SQLite files are told apart. */
export const APPLICATION_ID = 0x47726b53;

export const applicationId = (db: Database.Database): number => db.pragma('application_id', { simple: true }) as number;

/**
 * Applies every migration newer than the database's user_version, each in its own transaction, and stamps the file
 * with APPLICATION_ID. Each transaction is BEGIN IMMEDIATE and reads user_version inside it: several processes opening
 * a new database at once take turns, and each applies only what the one before it left to do.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const from = userVersion(db);
  // the usual case, an up-to-date database, takes no write lock
  if (from >= latest && applicationId(db) === APPLICATION_ID) return { from, to: from };
  for (;;) {
    const done = db
      .transaction(() => {
        const next = migrations.find((m) => m.version > userVersion(db));
        if (next) {
          next.up(db);
          // PRAGMA takes no bound parameters; the version is an integer from this file.
          db.pragma(`user_version = ${Math.trunc(next.version)}`);
        }
        if (applicationId(db) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`);
        return next === undefined;
      })
      .immediate();
    if (done) break;
  }
  return { from, to: userVersion(db) };
}
