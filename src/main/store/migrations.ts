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
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export const userVersion = (db: Database.Database): number => db.pragma('user_version', { simple: true }) as number;

/** Applies every migration newer than the database's user_version, each in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const from = userVersion(db);
  for (const m of migrations) {
    if (m.version <= userVersion(db)) continue;
    db.transaction(() => {
      m.up(db);
      // PRAGMA takes no bound parameters; the version is an integer from this file.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    })();
  }
  return { from, to: userVersion(db) };
}
